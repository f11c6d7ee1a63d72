// Which key names hold a secret value: DB_PASSWORD, apiKey, x-auth-token, client_secret, Authorization...
// Shared by the text pattern (`password=...`) and the structured walk (env {name, value}, JSON properties),
// so the two never disagree about what a secret is called.

/** Words that make a key sensitive wherever they appear in it (case-insensitive). */
export const SENSITIVE_KEY_WORDS = String.raw`passw(?:or)?d|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|credentials?|authorization|cookie|auth(?![a-z])`;

/**
 * Keys that mention a secret but only name or locate it (secretName: db-creds, tokenPath, tokens: 1200):
 * their values are references the model needs to reason about a missing Secret, not secrets.
 */
export const REFERENCE_SUFFIXES =
  "name|names|ref|keyref|path|file|dir|type|count|length|ttl|seconds|expiry|expiration|expires|tokens|url|uri|endpoint|mode|enabled|required";

const REFERENCE_SUFFIX = new RegExp(`(?:${REFERENCE_SUFFIXES})$`, "i");

const SENSITIVE = new RegExp(SENSITIVE_KEY_WORDS, "i");

/** True when a value stored under this key is a secret (the whole value is masked). */
export function isSensitiveKey(key: string): boolean {
  return SENSITIVE.test(key) && !REFERENCE_SUFFIX.test(key);
}

/**
 * Values that only look like secrets under a sensitive key: booleans, empty, short numbers, references to a
 * variable, an auth scheme whose credential follows (`Authorization: Bearer <jwt>`, the JWT is masked on its own).
 */
export function isTrivialValue(value: string): boolean {
  return /^(?:|true|false|null|none|yes|no|\d{1,6}|\*+|<[^<>]*>|\$\{[^}]*\}|\$\([^)]*\)|bearer|basic|digest|negotiate|token)$/i.test(
    value.trim(),
  );
}

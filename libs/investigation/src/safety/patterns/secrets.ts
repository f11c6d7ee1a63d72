// Credentials, most specific first: a key in a known format is recognised wherever it appears, then anything
// stored under a sensitive key name. All mask to «SECRET_n».
import type { MaskPattern } from "../mask-pattern.js";
import { isTrivialValue, REFERENCE_SUFFIXES, SENSITIVE_KEY_WORDS } from "../sensitive-keys.js";

const secret = (name: string, why: string, regex: RegExp, keep?: (v: string) => boolean): MaskPattern =>
  Object.freeze({ name, why, category: "SECRET", regex, ...(keep ? { keep } : {}) });

// A token boundary: not inside a longer run of token characters.
const B = String.raw`(?<![A-Za-z0-9_-])`;
const E = String.raw`(?![A-Za-z0-9_-])`;

export const secretPatterns: readonly MaskPattern[] = [
  secret(
    "pem-private-key",
    "A private key in PEM form (TLS Secrets, SSH keys in ConfigMaps); to the end of the text when trimming cut its END line.",
    /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z0-9 ]*PRIVATE KEY-----|$)/g,
  ),
  secret(
    "base64-pem",
    "A PEM block base64-encoded, as Secret data holds tls.key: `LS0tLS1CRUdJTi` is base64 of `-----BEGIN`.",
    /LS0tLS1CRUdJTi[A-Za-z0-9+/]*={0,2}/g,
  ),
  secret(
    "jwt",
    "JSON Web Tokens, including Kubernetes service-account tokens (projected or legacy): header.payload.signature.",
    new RegExp(String.raw`${B}eyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*${E}`, "g"),
  ),
  secret(
    "base64-jwt",
    "A service-account token as a Secret's data holds it: base64 of a JWT starts with `ZXlK` (base64 of `eyJ`).",
    /(?<![A-Za-z0-9+/])ZXlK[A-Za-z0-9+/]{20,}={0,2}/g,
  ),
  secret(
    "bearer-token",
    "Authorization headers in logs and events (`Bearer ...`, `Basic ...`): the scheme stays, the credential goes.",
    /\b(?:Bearer|Basic|Token)\s+(?<value>[A-Za-z0-9._~+/=-]{8,})/g,
  ),
  secret(
    "url-credentials",
    "Passwords in connection URLs (postgres://app:pw@db:5432, https://user:token@git...); scheme, user and host stay.",
    /(?<![a-zA-Z0-9+.-])[a-zA-Z][a-zA-Z0-9+.-]{0,30}:\/\/[^\s:/@«»"']+:(?<value>[^\s/@«»"']+)@/g,
  ),
  secret(
    "aws-access-key-id",
    "AWS access key ids (AKIA long-term, ASIA temporary...).",
    new RegExp(String.raw`${B}(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA|A3T[A-Z0-9])[A-Z0-9]{16}${E}`, "g"),
  ),
  secret(
    "aws-secret-access-key",
    "AWS secret access keys: 40 base64 characters, recognised next to an aws/secret key name (alone they look like any hash).",
    /(?:aws|secret)[\w.-]{0,30}["']?\s*[:=]\s*["']?(?<value>[A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])/gi,
  ),
  secret(
    "github-token",
    "GitHub personal, OAuth, app and fine-grained tokens (ghp_, gho_, ghu_, ghs_, ghr_, github_pat_).",
    new RegExp(String.raw`${B}(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{22,})${E}`, "g"),
  ),
  secret(
    "slack-token",
    "Slack bot/user/app tokens (xoxb-, xoxp-, xapp-) and incoming-webhook URLs.",
    /(?:\bxox[abposr]-[A-Za-z0-9-]{10,}|\bxapp-[A-Za-z0-9-]{10,}|hooks\.slack\.com\/services\/[A-Za-z0-9/]+)/g,
  ),
  secret(
    "api-key",
    "Provider API keys: OpenAI/Anthropic-style sk-..., Stripe sk_live_/rk_live_, Google AIza..., GitLab glpat-.",
    new RegExp(
      String.raw`${B}(?:sk-(?:proj-|ant-|svcacct-)?[A-Za-z0-9_-]{20,}|[sr]k_live_[A-Za-z0-9]{16,}|AIza[A-Za-z0-9_-]{35}|glpat-[A-Za-z0-9_-]{20,})${E}`,
      "g",
    ),
  ),
  secret(
    "env-entry",
    'A sensitive environment variable serialised as JSON: {"name":"DB_PASSWORD","value":"..."} (the key is in a sibling field).',
    new RegExp(String.raw`"name"\s*:\s*"[^"]*(?:${SENSITIVE_KEY_WORDS})[^"]*"\s*,\s*"value"\s*:\s*"(?<value>(?:[^"\\]|\\.)+)"`, "gi"),
    isTrivialValue,
  ),
  secret(
    "key-value",
    'Anything assigned to a sensitive key in logs, config files, describe output and JSON: password=..., "apiKey": "...", DB_TOKEN: ...; ' +
      'the key name stays so the model knows what was there. Inside JSON text a value ends at an escape (\\n, \\"), so the next line is not swallowed.',
    new RegExp(
      String.raw`(?<![\w.-])[\w.-]{0,40}(?:${SENSITIVE_KEY_WORDS})(?!s\b)(?![\w.-]{0,40}(?:${REFERENCE_SUFFIXES})\b)[\w.-]{0,40}["']?[ \t]*[:=][ \t]*(?:\\?"(?<value>(?:[^"\\\n]|\\[^"])+)\\?"|'(?<value2>[^'\n]+)'|(?<value3>(?:[^\s"',;&«»{}\[\]()<>\\]|\\\\)+))`,
      "gi",
    ),
    isTrivialValue,
  ),
];

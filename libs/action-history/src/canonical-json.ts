// The one serialization every hash in the audit chain is computed over, so that a verifier written in any
// language (or this library offline) gets the same bytes: object keys sorted by code unit, no whitespace,
// values as JSON.stringify writes them. Inputs are JSON values (see toJsonValue); `undefined` members are
// dropped, as JSON.stringify drops them.

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** Sorted keys, no whitespace. Throws on values JSON cannot represent (a function, a BigInt, a cycle). */
export function canonicalJson(value: unknown): string {
  return write(value, new Set());
}

function write(value: unknown, seen: Set<object>): string {
  if (value === null) return "null";
  switch (typeof value) {
    case "string":
    case "boolean":
      return JSON.stringify(value);
    case "number":
      // Same as JSON.stringify: NaN and ±Infinity have no JSON form and become null.
      return Number.isFinite(value) ? JSON.stringify(value) : "null";
    case "object":
      break;
    default:
      throw new TypeError(`canonicalJson: a ${typeof value} has no JSON form`);
  }
  const obj: object = value;
  if (seen.has(obj)) throw new TypeError("canonicalJson: cyclic value");
  seen.add(obj);
  try {
    if (Array.isArray(obj)) return `[${obj.map((item: unknown) => (item === undefined ? "null" : write(item, seen))).join(",")}]`;
    if (typeof (obj as { toJSON?: unknown }).toJSON === "function") return write((obj as { toJSON(): unknown }).toJSON(), seen);
    const entries = Object.entries(obj)
      .filter(([, v]) => v !== undefined && typeof v !== "function")
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${write(v, seen)}`).join(",")}}`;
  } finally {
    seen.delete(obj);
  }
}

/**
 * The value as it comes back from a jsonb column: a JSON round trip (dates become ISO strings, NaN null,
 * undefined members vanish). Everything stored or hashed goes through this first, so the state computed in
 * JavaScript and the state read back from PostgreSQL hash the same.
 */
export function toJsonValue<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

// google.protobuf.Struct <-> plain JSON values. protobufjs ships no wrapper for Struct (only for Any), so the
// `other` payload arrives as { fields: { key: { numberValue: 1 } } } and is unwrapped here.
import type { ProtoStruct, ProtoValue } from "./types.js";

/** A Struct's fields as a plain object. A Value with no kind set (not valid protobuf JSON) reads as null. */
export function fromStruct(struct: ProtoStruct | null | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const fields = struct?.fields;
  if (!fields) return out;
  for (const key of Object.keys(fields)) {
    const value = fromValue(fields[key]);
    // An own "__proto__" property, as JSON.parse makes it, rather than a new prototype for `out`.
    if (key === "__proto__") Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
    else out[key] = value;
  }
  return out;
}

function fromValue(v: ProtoValue | undefined): unknown {
  if (!v) return null;
  // Checked in the order a producer is likely to use them; exactly one is set on a decoded Value.
  if (v.stringValue != null) return v.stringValue;
  if (v.numberValue != null) return v.numberValue;
  if (v.boolValue != null) return v.boolValue;
  if (v.structValue != null) return fromStruct(v.structValue);
  if (v.listValue != null) return (v.listValue.values ?? []).map(fromValue);
  return null;
}

/**
 * A plain JSON-like object as a Struct, for the `other` payload. Keys whose value is undefined are left out
 * (as JSON.stringify does); bigints become numbers. Other values (functions, symbols) are a TypeError.
 */
export function toStruct(obj: Record<string, unknown>): ProtoStruct {
  return structAt(obj, "");
}

function structAt(obj: Record<string, unknown>, path: string): ProtoStruct {
  const fields: Record<string, ProtoValue> = {};
  for (const key of Object.keys(obj)) {
    const v = obj[key];
    if (v !== undefined) fields[key] = toValue(v, path ? `${path}.${key}` : key);
  }
  return { fields };
}

function toValue(v: unknown, path: string): ProtoValue {
  if (v === null || v === undefined) return { nullValue: "NULL_VALUE" };
  switch (typeof v) {
    case "string":
      return { stringValue: v };
    case "number":
      return { numberValue: v };
    case "bigint":
      return { numberValue: Number(v) };
    case "boolean":
      return { boolValue: v };
    case "object":
      if (Array.isArray(v)) return { listValue: { values: v.map((item, i) => toValue(item, `${path}[${i}]`)) } };
      return { structValue: structAt(v as Record<string, unknown>, path) };
    default:
      throw new TypeError(`toStruct: ${path} is a ${typeof v}, which a google.protobuf.Value cannot hold`);
  }
}

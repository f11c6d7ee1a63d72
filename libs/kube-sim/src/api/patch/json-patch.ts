// RFC 6902 JSON Patch. The document is cloned once up front and the operations then edit the clone in place,
// so the caller's object (usually the stored one) is never touched, even when a later operation fails.
import { PatchError } from "./patch-error.js";
import { clone } from "../../json.js";

type Container = Record<string, unknown> | unknown[];

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const hasOwn = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

/** Splits a JSON pointer into unescaped reference tokens ("" is the whole document). */
const parsePointer = (pointer: unknown, field: string): string[] => {
  if (typeof pointer !== "string") throw new PatchError(`"${field}" must be a JSON pointer string, got ${JSON.stringify(pointer)}`);
  if (pointer === "") return [];
  if (!pointer.startsWith("/")) throw new PatchError(`invalid JSON pointer "${pointer}": must be empty or start with "/"`);
  return pointer
    .slice(1)
    .split("/")
    .map((token) => {
      if (/~(?![01])/.test(token)) throw new PatchError(`invalid JSON pointer "${pointer}": "~" must be followed by 0 or 1`);
      // ~1 first, so that "~01" decodes to "~1" rather than "/".
      return token.replace(/~1/g, "/").replace(/~0/g, "~");
    });
};

/** Parses an array index token; "-" (one past the end) only where `allowEnd` is set, as for "add". */
const arrayIndex = (arr: unknown[], token: string, allowEnd: boolean, path: string): number => {
  if (token === "-" && allowEnd) return arr.length;
  // RFC 6901: decimal digits without leading zeros.
  if (!/^(0|[1-9][0-9]*)$/.test(token)) throw new PatchError(`invalid array index "${token}" in path ${path}`);
  const index = Number(token);
  const max = allowEnd ? arr.length : arr.length - 1;
  if (index > max) throw new PatchError(`array index ${index} out of bounds (length ${arr.length}) at path ${path}`);
  return index;
};

/** Walks to the container holding the last token; every intermediate step must exist. */
const parentOf = (doc: unknown, tokens: string[], path: string): { parent: Container; key: string } => {
  let cur = doc;
  for (const token of tokens.slice(0, -1)) {
    if (Array.isArray(cur) && /^(0|[1-9][0-9]*)$/.test(token) && Number(token) < cur.length) cur = cur[Number(token)];
    else if (isObject(cur) && hasOwn(cur, token)) cur = cur[token];
    else throw new PatchError(`path ${path} not found`);
  }
  if (!Array.isArray(cur) && !isObject(cur)) throw new PatchError(`path ${path} not found`);
  return { parent: cur, key: tokens[tokens.length - 1] as string };
};

const getValue = (doc: unknown, tokens: string[], path: string): unknown => {
  if (tokens.length === 0) return doc;
  const { parent, key } = parentOf(doc, tokens, path);
  if (Array.isArray(parent)) return parent[arrayIndex(parent, key, false, path)];
  if (!hasOwn(parent, key)) throw new PatchError(`path ${path} not found`);
  return parent[key];
};

const deepEqual = (a: unknown, b: unknown): boolean => {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((v, i) => deepEqual(v, b[i]));
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => hasOwn(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
};

// Each editing helper returns the new root, since an operation on "" replaces the whole document.
const add = (doc: unknown, tokens: string[], value: unknown, path: string): unknown => {
  if (tokens.length === 0) return value;
  const { parent, key } = parentOf(doc, tokens, path);
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, key, true, path), 0, value);
  else parent[key] = value;
  return doc;
};

const remove = (doc: unknown, tokens: string[], path: string): unknown => {
  if (tokens.length === 0) throw new PatchError(`cannot remove the whole document (path "")`);
  const { parent, key } = parentOf(doc, tokens, path);
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, key, false, path), 1);
  else if (hasOwn(parent, key)) delete parent[key];
  else throw new PatchError(`path ${path} not found`);
  return doc;
};

const replace = (doc: unknown, tokens: string[], value: unknown, path: string): unknown => {
  if (tokens.length === 0) return value;
  const { parent, key } = parentOf(doc, tokens, path);
  if (Array.isArray(parent)) parent[arrayIndex(parent, key, false, path)] = value;
  else if (hasOwn(parent, key)) parent[key] = value;
  else throw new PatchError(`path ${path} not found`);
  return doc;
};

const valueOf = (op: Record<string, unknown>, name: string): unknown => {
  // `null` is a legitimate value, so presence is checked rather than truthiness.
  if (!hasOwn(op, "value")) throw new PatchError(`missing "value" for the "${name}" operation`);
  return clone(op.value);
};

export function applyJsonPatch(doc: unknown, ops: unknown): unknown {
  if (!Array.isArray(ops)) throw new PatchError("a JSON patch must be an array of operations");
  let result = clone(doc);
  ops.forEach((op, i) => {
    if (!isObject(op)) throw new PatchError(`JSON patch operation ${i} is not an object`);
    const name = op.op;
    const path = op.path;
    const tokens = parsePointer(path, "path");
    const p = path as string;
    switch (name) {
      case "add":
        result = add(result, tokens, valueOf(op, name), p);
        break;
      case "remove":
        result = remove(result, tokens, p);
        break;
      case "replace":
        result = replace(result, tokens, valueOf(op, name), p);
        break;
      case "move": {
        const from = parsePointer(op.from, "from");
        const f = op.from as string;
        if (f === p) break;
        // Moving a value into one of its own children would create a cycle (RFC 6902 section 4.4).
        if (p.startsWith(`${f}/`)) throw new PatchError(`cannot move ${f} into its own child ${p}`);
        const value = getValue(result, from, f);
        result = add(remove(result, from, f), tokens, value, p);
        break;
      }
      case "copy": {
        const from = parsePointer(op.from, "from");
        result = add(result, tokens, clone(getValue(result, from, op.from as string)), p);
        break;
      }
      case "test":
        if (!deepEqual(getValue(result, tokens, p), valueOf(op, name))) throw new PatchError(`the "test" operation failed at ${p || "/"}`);
        break;
      default:
        throw new PatchError(`unexpected kind of JSON patch operation ${JSON.stringify(name)} (operation ${i})`);
    }
  });
  return result;
}

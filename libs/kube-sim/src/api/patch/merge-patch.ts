// RFC 7386 JSON Merge Patch: objects merge recursively, null deletes, everything else (lists included) replaces.
import { PatchError } from "./patch-error.js";
import { clone } from "../../json.js";

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Builds fresh objects all the way down, so the result shares nothing mutable with either input. */
const merge = (target: unknown, patch: unknown): unknown => {
  if (!isObject(patch)) return clone(patch);
  const out: Record<string, unknown> = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = merge(out[key], value);
  }
  return out;
};

/**
 * Applies a merge patch to a Kubernetes object. Unlike bare RFC 7386, a patch that is not an object is rejected:
 * it would replace the whole object with a non-object, which the API server refuses to decode.
 */
export function applyMergePatch(doc: unknown, patch: unknown): unknown {
  if (!isObject(patch))
    throw new PatchError(
      `a merge patch must be a JSON object, got ${patch === null ? "null" : Array.isArray(patch) ? "an array" : typeof patch}`,
    );
  return merge(clone(doc), patch);
}

// Field ownership from managedFields (FieldsV1): a trie in JSON whose keys are `f:<field>`, `k:<list item
// keys>`, `v:<list value>`, `i:<index>`, and `.` for the item itself; a key mapping to `{}` is a field in the
// set. A manager owns a path we write when its set holds that path, a field below it (we would overwrite
// part of what it manages), or a field above it as a leaf (it manages the whole value atomically).
import type { KubernetesObject, V1ManagedFieldsEntry } from "@kubernetes/client-node";
import type { FieldPath } from "../consequences.js";

type FieldSet = { [key: string]: FieldSet };

const isEmpty = (s: FieldSet) => Object.keys(s).length === 0;

/** Whether the FieldsV1 set owns `path`, part of it, or a leaf above it. */
export function ownsPath(set: FieldSet | undefined, path: FieldPath): boolean {
  if (!set) return false;
  let node = set;
  for (const [i, key] of path.entries()) {
    const next = node[key];
    if (next === undefined) return false;
    if (isEmpty(next) && i < path.length - 1) return true;
    node = next;
  }
  return true;
}

/** `["f:spec", "f:template", "f:spec", "f:containers", 'k:{"name":"app"}', "f:resources"]` → `spec.template.spec.containers[app].resources`. */
export function dottedPath(path: FieldPath): string {
  return path.reduce((out, key) => {
    if (key.startsWith("f:")) return out ? `${out}.${key.slice(2)}` : key.slice(2);
    if (key.startsWith("k:")) {
      const values = Object.values(JSON.parse(key.slice(2)) as Record<string, unknown>).map(String);
      return `${out}[${values.join(",")}]`;
    }
    return `${out}[${key.slice(2)}]`;
  }, "");
}

export interface OwnedField {
  manager: string;
  operation?: string;
  subresource?: string;
  path: FieldPath;
}

/** The managedFields entries (other than `except`) that own one of `paths` on `object`. */
export function ownersOf(object: KubernetesObject, paths: readonly FieldPath[], except?: string): OwnedField[] {
  const out: OwnedField[] = [];
  const entries: V1ManagedFieldsEntry[] = object.metadata?.managedFields ?? [];
  for (const entry of entries) {
    if (!entry.manager || entry.manager === except) continue;
    for (const path of paths) {
      if (!ownsPath(entry.fieldsV1 as FieldSet | undefined, path)) continue;
      out.push({
        manager: entry.manager,
        ...(entry.operation ? { operation: entry.operation } : {}),
        ...(entry.subresource ? { subresource: entry.subresource } : {}),
        path,
      });
    }
  }
  return out;
}

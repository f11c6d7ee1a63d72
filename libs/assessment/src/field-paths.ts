// The keys of an execution's stateBefore/stateAfter as field paths into the target object, so drift can read
// what those fields hold now. The executor writes them as dotted paths relative to the object:
//   spec.replicas, spec.resources.requests.storage
//   spec.template.spec.containers[api].resources.limits.memory      (a list item by its name, or by index)
//   spec.template.metadata.annotations[kubectl.kubernetes.io/restartedAt]   (a map key in brackets)
//   metadata.annotations.external-secrets.io/force-sync              (everything after "annotations." is the key)
// Keys that are not fields of the object (`pods[...]`, `jobs[...]`, `volumeSnapshot`, `networkPolicies[...]`)
// describe other objects the action created or removed: they are not checkable here.
import type { KubernetesObject } from "@kubernetes/client-node";
import { KINDS, isKindName, toWire } from "@vigil/kube";

export type PathSegment = { field: string } | { item: string };

export interface FieldPath {
  key: string;
  segments: PathSegment[];
}

/**
 * `metadata.deletionTimestamp` marks a removal (restart_pod, migrate_workload): a pod of the same name later is a
 * replacement, not the object the action changed, so there is no setting of the action's to compare it with.
 */
const NOT_SETTINGS = new Set(["metadata.deletionTimestamp"]);

/** Maps whose keys may contain dots: after `<parent>.annotations.` the rest of the path is one key. */
const DOTTED_KEY_MAPS = new Set(["annotations", "labels"]);

/** `metadata.annotations` / `metadata.labels` (of the object or of its pod template) was the last step. */
function followsDottedKeyMap(segments: readonly PathSegment[]): boolean {
  const [parent, map] = segments.slice(-2);
  return !!parent && !!map && "field" in parent && parent.field === "metadata" && "field" in map && DOTTED_KEY_MAPS.has(map.field);
}

/** The key as a path into the object, or undefined when it is not a field of the object (see above). */
export function parseFieldPath(key: string): FieldPath | undefined {
  if (!/^(spec|metadata)[.[]/.test(key) || NOT_SETTINGS.has(key)) return undefined;
  const segments: PathSegment[] = [];
  let i = 0;
  while (i < key.length) {
    if (key[i] === "[") {
      const end = key.indexOf("]", i);
      if (end < 0) return undefined;
      segments.push({ item: key.slice(i + 1, end) });
      i = end + 1;
      if (key[i] === ".") i++;
      continue;
    }
    if (followsDottedKeyMap(segments)) {
      segments.push({ item: key.slice(i) });
      break;
    }
    let end = i;
    while (end < key.length && key[end] !== "." && key[end] !== "[") end++;
    if (end === i) return undefined;
    segments.push({ field: key.slice(i, end) });
    i = key[end] === "." ? end + 1 : end;
  }
  return { key, segments };
}

/** The object as the API server sends it (client-node models rename fields, e.g. NetworkPolicy's `from` → `_from`). */
export function wireFormOf(kind: string, obj: KubernetesObject): unknown {
  const model = isKindName(kind) ? KINDS[kind].model : undefined;
  return model ? toWire(obj, model) : JSON.parse(JSON.stringify(obj));
}

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

/** The value at `path` in the (wire-form) object; null where any step is absent. */
export function readField(obj: unknown, path: FieldPath): unknown {
  let current: unknown = obj;
  let parentField: string | undefined;
  for (const segment of path.segments) {
    if (current === null || current === undefined) return null;
    if ("field" in segment) {
      current = isRecord(current) ? current[segment.field] : undefined;
      parentField = segment.field;
      continue;
    }
    current = itemOf(current, segment.item);
    // An env item is recorded as its value (or its valueFrom), as enable_debug_mode snapshots it.
    if (parentField === "env" && isRecord(current))
      current = current["valueFrom"] ? { valueFrom: current["valueFrom"] } : (current["value"] ?? "");
    parentField = undefined;
  }
  return current ?? null;
}

/** A list item by its `name` (containers, env, ports), else by index; a map entry by key. */
function itemOf(container: unknown, key: string): unknown {
  if (Array.isArray(container)) {
    const items: unknown[] = container;
    const named = items.find((i) => isRecord(i) && i["name"] === key);
    if (named !== undefined) return named;
    return /^\d+$/.test(key) ? items[Number(key)] : undefined;
  }
  return isRecord(container) ? container[key] : undefined;
}

/** Whether the path holds a resource quantity ("1Gi" and "1024Mi" are the same value there). */
export const isQuantityPath = (path: FieldPath): boolean => path.segments.some((s) => "field" in s && s.field === "resources");

// Kubernetes strategic merge patch for the built-in types. The real implementation reads `patchStrategy` and
// `patchMergeKey` from Go struct tags; here the list strategy is decided by field name alone, which is
// unambiguous for the shapes the built-in types use.
import { PatchError } from "./patch-error.js";
import { clone } from "../../json.js";

type Obj = Record<string, unknown>;
type Strategy = { kind: "key"; key: string } | { kind: "set" } | { kind: "replace" };

const isObject = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

const MERGE_KEYS: Record<string, string> = {
  containers: "name",
  initContainers: "name",
  ephemeralContainers: "name",
  env: "name",
  volumes: "name",
  imagePullSecrets: "name",
  volumeMounts: "mountPath",
  volumeDevices: "devicePath",
  hostAliases: "ip",
  ownerReferences: "uid",
  conditions: "type",
};

const DIRECTIVE = "$patch";
const RETAIN_KEYS = "$retainKeys";
const DELETE_FROM = "$deleteFromPrimitiveList/";
const SET_ORDER = "$setElementOrder/";
const isDirectiveKey = (k: string): boolean => k === DIRECTIVE || k === RETAIN_KEYS || k.startsWith(DELETE_FROM) || k.startsWith(SET_ORDER);

const strategyFor = (field: string, lists: unknown[][]): Strategy => {
  if (field === "finalizers") return { kind: "set" };
  // Container ports merge on containerPort, service ports on port; the items themselves tell which one this is.
  if (field === "ports") {
    const containerPorts = lists.some((l) => l.some((i) => isObject(i) && "containerPort" in i));
    return { kind: "key", key: containerPorts ? "containerPort" : "port" };
  }
  const key = MERGE_KEYS[field];
  return key ? { kind: "key", key } : { kind: "replace" };
};

const checkDirective = (item: Obj): unknown => {
  const d = item[DIRECTIVE];
  if (d !== undefined && d !== "replace" && d !== "delete" && d !== "merge") {
    throw new PatchError(`unknown patch type: ${JSON.stringify(d)} in map: ${JSON.stringify(item)}`);
  }
  return d;
};

const stringList = (value: unknown, key: string): unknown[] => {
  if (!Array.isArray(value)) throw new PatchError(`${key} must be a list, got ${JSON.stringify(value)}`);
  return value;
};

/** Merges one patch value into the current value of field `field` (undefined when absent). */
const mergeValue = (field: string, current: unknown, patch: unknown): unknown => {
  if (isObject(patch)) return mergeMap(isObject(current) ? current : undefined, patch);
  if (Array.isArray(patch)) return mergeList(field, Array.isArray(current) ? current : undefined, patch);
  return patch;
};

const mergeMap = (current: Obj | undefined, patch: Obj): Obj => {
  const directive = checkDirective(patch);
  // As in Kubernetes, "$patch: delete" on a map leaves an empty map and "replace" drops everything not in the patch.
  if (directive === "delete") return {};
  if (directive === "replace") current = undefined;
  const out: Obj = current ? { ...current } : {};

  if (RETAIN_KEYS in patch) {
    const keep = stringList(patch[RETAIN_KEYS], RETAIN_KEYS);
    for (const k of Object.keys(out)) if (!keep.includes(k)) delete out[k];
  }
  // Deletions from primitive lists run before the additions to the same list, so a patch can do both.
  for (const [k, v] of Object.entries(patch)) {
    if (!k.startsWith(DELETE_FROM)) continue;
    const field = k.slice(DELETE_FROM.length);
    const remove = stringList(v, k);
    const list = out[field];
    if (Array.isArray(list)) out[field] = list.filter((x) => !remove.includes(x));
  }
  for (const [k, v] of Object.entries(patch)) {
    if (isDirectiveKey(k)) continue;
    if (v === null) delete out[k];
    else out[k] = mergeValue(k, out[k], v);
  }
  for (const [k, v] of Object.entries(patch)) {
    if (!k.startsWith(SET_ORDER)) continue;
    const field = k.slice(SET_ORDER.length);
    const list = out[field];
    if (Array.isArray(list)) out[field] = applyOrder(list, stringList(v, k), strategyFor(field, [list]));
  }
  return out;
};

/** Strips directives and nulls from a value that has nothing to merge into. */
const clean = (field: string, value: unknown): unknown => mergeValue(field, undefined, value);

const mergeList = (field: string, current: unknown[] | undefined, patch: unknown[]): unknown[] => {
  const strategy = strategyFor(field, [current ?? [], patch]);
  let base = current ?? [];
  // Merge keys are only enforced against an existing list, as in Kubernetes, where a new list is taken as is.
  const strict = current !== undefined;
  const items: unknown[] = [];
  for (const item of patch) {
    if (!isObject(item) || item[DIRECTIVE] === undefined) {
      items.push(item);
      continue;
    }
    const directive = checkDirective(item);
    const keyed = strategy.kind === "key" && strategy.key in item;
    if (directive === "replace" && !keyed) {
      // The standalone {"$patch": "replace"} element: the list becomes exactly the other patch elements.
      base = [];
    } else if (directive === "delete") {
      if (strategy.kind !== "key") continue;
      if (!keyed) throw new PatchError(`map: ${JSON.stringify(item)} does not contain declared merge key: ${strategy.key}`);
      base = base.filter((b) => !(isObject(b) && b[strategy.key] === item[strategy.key]));
    } else {
      // Keyed "replace" replaces that one element; "merge" is the default behaviour. mergeMap handles both.
      items.push(item);
    }
  }

  if (strategy.kind === "replace") return items.map((i) => clean(field, i));
  const out = [...base];
  if (strategy.kind === "set") {
    for (const item of items) if (!out.includes(item)) out.push(clean(field, item));
    return out;
  }
  const { key } = strategy;
  for (const item of items) {
    if (!isObject(item) || !(key in item)) {
      if (strict) throw new PatchError(`map: ${JSON.stringify(item)} does not contain declared merge key: ${key}`);
      out.push(clean(field, item));
      continue;
    }
    // Searching `out` rather than `base` makes repeated keys in one patch merge into the same element.
    const index = out.findIndex((o) => isObject(o) && o[key] === item[key]);
    if (index >= 0) out[index] = mergeMap(out[index] as Obj, item);
    else out.push(mergeMap(undefined, item));
  }
  return out;
};

/**
 * Applies `$setElementOrder`: elements named in the order list are rearranged into that order within the
 * positions they already occupy; elements the list does not mention (server-only ones) stay where they are.
 */
const applyOrder = (list: unknown[], order: unknown[], strategy: Strategy): unknown[] => {
  if (strategy.kind === "replace") return list;
  const identity = (v: unknown): unknown => (strategy.kind === "key" ? (isObject(v) ? v[strategy.key] : undefined) : v);
  const ranks = order.map((o): unknown => {
    const id = identity(o);
    if (id === undefined) throw new PatchError(`$setElementOrder element ${JSON.stringify(o)} has no merge key`);
    return id;
  });
  const rank = (v: unknown): number => ranks.indexOf(identity(v));
  const slots = list.flatMap((v, i) => (rank(v) >= 0 ? [i] : []));
  const sorted = slots.map((i) => list[i]).sort((a, b) => rank(a) - rank(b));
  const out = [...list];
  slots.forEach((slot, j) => (out[slot] = sorted[j]));
  return out;
};

/** Applies a strategic merge patch to `doc` without modifying it. */
export function applyStrategicMergePatch(doc: unknown, patch: unknown): unknown {
  if (!isObject(patch))
    throw new PatchError(
      `a strategic merge patch must be a JSON object, got ${patch === null ? "null" : Array.isArray(patch) ? "an array" : typeof patch}`,
    );
  // Cloning once lets the merge share untouched subtrees of the clone instead of copying at every level.
  const base = clone(doc);
  return mergeMap(isObject(base) ? base : undefined, patch);
}

// Field sets in structured-merge-diff's FieldsV1 form: `f:<field>` for struct and map fields, `k:{...}` for items of
// associative lists (containers by name, ports by containerPort and protocol...), `v:<json>` for set members, and
// "." for a node that is itself a member as well as having members below it.
import type { KubeObject } from "../types.js";
import { deepEqual } from "../json.js";

export class FieldSet {
  self = false;
  readonly children = new Map<string, FieldSet>();

  child(key: string): FieldSet {
    let c = this.children.get(key);
    if (!c) this.children.set(key, (c = new FieldSet()));
    return c;
  }

  get empty(): boolean {
    return !this.self && this.children.size === 0;
  }

  /** Members of this set that are not in `other`. Sets are never changed once built, so untouched subtrees are shared. */
  difference(other: FieldSet | undefined): FieldSet {
    if (!other || other.empty) return this;
    const out = new FieldSet();
    out.self = this.self && !other.self;
    let same = out.self === this.self;
    for (const [k, c] of this.children) {
      const d = c.difference(other.children.get(k));
      if (d !== c) same = false;
      if (!d.empty) out.children.set(k, d);
    }
    return same ? this : out;
  }

  /**
   * ToFieldSet's view of a configuration (what an Apply owns): fields with members below them are not members
   * themselves; list items and leaves are.
   */
  configured(key = ""): FieldSet {
    const out = new FieldSet();
    out.self = this.self && (this.children.size === 0 || !key.startsWith("f:"));
    for (const [k, c] of this.children) out.children.set(k, c.configured(k));
    return out;
  }

  union(other: FieldSet): FieldSet {
    if (other.empty) return this;
    if (this.empty) return other;
    const out = new FieldSet();
    out.self = this.self || other.self;
    for (const k of new Set([...this.children.keys(), ...other.children.keys()])) {
      const a = this.children.get(k);
      const b = other.children.get(k);
      out.children.set(k, a && b ? a.union(b) : (a ?? b)!);
    }
    return out;
  }

  equals(other: FieldSet): boolean {
    if (this.self !== other.self || this.children.size !== other.children.size) return false;
    for (const [k, c] of this.children) {
      const o = other.children.get(k);
      if (!o || !c.equals(o)) return false;
    }
    return true;
  }

  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    if (this.self && this.children.size) out["."] = {};
    const rank = (k: string) => ("fkv".indexOf(k[0]!) + 1) * 1 || 4;
    const keys = [...this.children.keys()].sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
    for (const k of keys) out[k] = this.children.get(k)!.toJSON();
    return out;
  }

  static fromJSON(v: unknown): FieldSet {
    const out = new FieldSet();
    const entries = v && typeof v === "object" ? Object.entries(v as Record<string, unknown>) : [];
    if (entries.length === 0) out.self = true;
    for (const [k, c] of entries) {
      if (k === ".") out.self = true;
      else out.children.set(k, FieldSet.fromJSON(c));
    }
    return out;
  }
}

/** Associative lists and their keys (the +listMapKey markers of k8s.io/api), by field name. */
const LIST_KEYS: Record<string, string[]> = {
  containers: ["name"],
  initContainers: ["name"],
  ephemeralContainers: ["name"],
  env: ["name"],
  volumeMounts: ["mountPath"],
  volumeDevices: ["devicePath"],
  volumes: ["name"],
  imagePullSecrets: ["name"],
  conditions: ["type"],
  ownerReferences: ["uid"],
  hostAliases: ["ip"],
  topologySpreadConstraints: ["topologyKey", "whenUnsatisfiable"],
  resourceClaims: ["name"],
  schedulingGates: ["name"],
};
/** Lists with set semantics: members are their values. */
const SET_LISTS = new Set(["finalizers"]);
/** Structs and maps kept whole (+structType=atomic / +mapType=atomic). */
const ATOMIC = new Set(["selector", "nodeAffinity", "podAffinity", "podAntiAffinity", "fieldsV1", "data", "binaryData", "stringData"]);
/** Non-pointer structs and lists without omitempty: present in every object, so never "added" themselves (no "."). */
const VALUE_STRUCTS = new Set([
  "",
  "metadata",
  "spec",
  "status",
  "spec.template",
  "spec.template.metadata",
  "spec.template.spec",
  "spec.template.spec.containers",
  "spec.containers",
  "spec.strategy",
  "spec.updateStrategy",
  "spec.resources",
  "spec.jobTemplate",
  "spec.jobTemplate.metadata",
  "spec.jobTemplate.spec",
  "spec.jobTemplate.spec.template",
  "spec.jobTemplate.spec.template.metadata",
  "spec.jobTemplate.spec.template.spec",
  "spec.jobTemplate.spec.template.spec.containers",
]);

type Json = unknown;
const isObject = (v: Json): v is Record<string, Json> => !!v && typeof v === "object" && !Array.isArray(v);

/** The key fields of a list item: container ports key on containerPort+protocol, Service ports on port+protocol. */
const keysOf = (field: string, item: Record<string, Json>, kind: string): string[] | undefined => {
  if (field === "ports") {
    if ("containerPort" in item) return ["containerPort", "protocol"];
    if (kind === "Service") return ["port", "protocol"];
    return undefined;
  }
  return LIST_KEYS[field];
};

const keyOf = (item: Record<string, Json>, keys: string[]): string =>
  `k:${JSON.stringify(Object.fromEntries(keys.filter((k) => item[k] !== undefined).map((k) => [k, item[k]])))}`;

const same = (a: Json, b: Json): boolean => a === b || (typeof a === "object" && typeof b === "object" && deepEqual(a, b));

/**
 * The paths that differ from `before` to `after` (added or changed in `after`), as typed.Compare reports them:
 * a node absent before is a member itself, with all its fields.
 */
export function changedFields(before: Json, after: Json, kind: string, path = "", field = "", out = new FieldSet()): FieldSet {
  if (after === undefined || after === null) return out;
  const atomic = ATOMIC.has(field) && path.split(".").length > 1;
  if (isObject(after) && !atomic) {
    const prev = isObject(before) ? before : undefined;
    if (!prev && !VALUE_STRUCTS.has(path)) out.self = true;
    for (const [k, v] of Object.entries(after)) {
      const child = new FieldSet();
      changedFields(prev?.[k], v, kind, path ? `${path}.${k}` : k, k, child);
      if (!child.empty) out.children.set(`f:${k}`, child);
    }
    if (Object.keys(after).length === 0 && !prev && path !== "") out.self = true;
    return out;
  }
  if (Array.isArray(after) && SET_LISTS.has(field)) {
    const prev = Array.isArray(before) ? before : [];
    for (const v of after) if (!prev.some((p) => same(p, v))) out.child(`v:${JSON.stringify(v)}`).self = true;
    if (!Array.isArray(before) && !VALUE_STRUCTS.has(path)) out.self = true;
    return out;
  }
  const first = Array.isArray(after) ? after.find(isObject) : undefined;
  const keys = first ? keysOf(field, first, kind) : undefined;
  if (Array.isArray(after) && keys) {
    const prev = new Map((Array.isArray(before) ? before.filter(isObject) : []).map((i) => [keyOf(i, keys), i]));
    for (const item of after.filter(isObject)) {
      const k = keyOf(item, keys);
      const child = new FieldSet();
      changedFields(prev.get(k), item, kind, `${path}[]`, "", child);
      if (!prev.has(k)) child.self = true;
      if (!child.empty) out.children.set(k, child);
    }
    if (!Array.isArray(before) && !VALUE_STRUCTS.has(path)) out.self = true;
    return out;
  }
  // Scalars, atomic lists and atomic maps: one leaf.
  if (!same(before, after)) out.self = true;
  return out;
}

/** One FieldsV1 node: "." first when the node is a member with members below it, then its children in order. */
function node(self: boolean, children: Array<[string, Record<string, unknown>]>): Record<string, unknown> {
  children.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(self && children.length ? [[".", {}], ...children] : children);
}

/** changedFields from nothing, straight to FieldsV1 JSON: the create path, which needs no set operations. */
export function createdFields(after: Json, kind: string, path = "", field = ""): Record<string, unknown> | undefined {
  if (after === undefined || after === null) return undefined;
  const atomic = ATOMIC.has(field) && path.split(".").length > 1;
  if (isObject(after) && !atomic) {
    const children: Array<[string, Record<string, unknown>]> = [];
    for (const [k, v] of Object.entries(after)) {
      const c = createdFields(v, kind, path ? `${path}.${k}` : k, k);
      if (c) children.push([`f:${k}`, c]);
    }
    if (!children.length && (VALUE_STRUCTS.has(path) || Object.keys(after).length)) return undefined;
    return node(!VALUE_STRUCTS.has(path), children);
  }
  if (Array.isArray(after) && SET_LISTS.has(field))
    return node(
      true,
      after.map((v) => [`v:${JSON.stringify(v)}`, {}]),
    );
  const first = Array.isArray(after) ? after.find(isObject) : undefined;
  const keys = first ? keysOf(field, first, kind) : undefined;
  if (Array.isArray(after) && keys) {
    const items = after
      .filter(isObject)
      .map((item): [string, Record<string, unknown>] => [
        keyOf(item, keys),
        node(
          true,
          Object.entries(createdFields(item, kind, `${path}[]`, "") ?? {}).filter(([k]) => k !== ".") as Array<
            [string, Record<string, unknown>]
          >,
        ),
      ]);
    return node(!VALUE_STRUCTS.has(path), items);
  }
  return {};
}

/** Paths present in `before` and gone from `after` (typed.Compare's Removed). */
export function removedFields(before: Json, after: Json, kind: string, path = "", field = ""): FieldSet {
  // Swapping the sides turns "removed" into "added"; only absent nodes count, not changed values.
  const out = new FieldSet();
  if (before === undefined || before === null) return out;
  if (after === undefined || after === null) {
    out.self = true;
    return out;
  }
  if (isObject(before) && isObject(after) && !(ATOMIC.has(field) && path.split(".").length > 1)) {
    for (const [k, v] of Object.entries(before)) {
      const child = removedFields(v, after[k], kind, path ? `${path}.${k}` : k, k);
      if (!child.empty) out.children.set(`f:${k}`, child);
    }
    return out;
  }
  const first = Array.isArray(before) ? before.find(isObject) : undefined;
  const keys = first ? keysOf(field, first, kind) : undefined;
  if (Array.isArray(before) && Array.isArray(after) && keys) {
    const next = new Map(after.filter(isObject).map((i) => [keyOf(i, keys), i]));
    for (const item of before.filter(isObject)) {
      const k = keyOf(item, keys);
      const child = removedFields(item, next.get(k), kind, `${path}[]`, "");
      if (!child.empty) out.children.set(k, child);
    }
  }
  return out;
}

/** Drops what never belongs to a manager: identity and server-managed metadata, and apiVersion/kind. */
const SERVER_METADATA = new Set([
  "name",
  "namespace",
  "uid",
  "resourceVersion",
  "generation",
  "creationTimestamp",
  "managedFields",
  "selfLink",
  "deletionTimestamp",
  "deletionGracePeriodSeconds",
  "generateName",
]);

export function stripServerFields(obj: KubeObject, dropStatus: boolean, dropSpec: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    if (k === "apiVersion" || k === "kind" || (k === "status" && dropStatus) || (k === "spec" && dropSpec) || v === undefined) continue;
    if (k !== "metadata") {
      out[k] = v;
      continue;
    }
    const meta = Object.fromEntries(Object.entries(obj.metadata ?? {}).filter(([m, mv]) => !SERVER_METADATA.has(m) && mv !== undefined));
    if (Object.keys(meta).length) out.metadata = meta;
  }
  return out;
}

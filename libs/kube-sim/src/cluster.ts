// The in-process API every writer goes through: the HTTP server and the controllers alike. It does what the
// API server does around storage: naming, uids, timestamps, generation, defaulting, validation, optimistic
// concurrency, the spec/status split, and dry run.
import { randomUUID } from "node:crypto";
import { type ObjectStore } from "./store/object-store.js";
import { type SimClock, rfc3339 } from "./clock.js";
import { typeOfKey, apiVersionOf, R } from "./api/resources.js";
import { ApiError, alreadyExists, conflict, notFound, invalid } from "./api/status.js";
import { applyDefaults } from "./admission/defaults.js";
import { validate } from "./admission/validate.js";
import { EventRecorder } from "./events.js";
import type { KubeObject } from "./types.js";
import { clone, deepEqual } from "./json.js";
import { checkNoNewFinalizers, deletionPlan, shouldRemoveAfterUpdate } from "./api/deletion.js";
import { commitAdmission, mutatingAdmission, validatingAdmission } from "./admission/chain.js";
import { recordWrite, type ManagedWriteOptions } from "./store/managed-write.js";

export interface WriteOptions extends ManagedWriteOptions {
  dryRun?: boolean;
  /** "status" writes only .status; the main resource ignores .status changes (when the type has a status subresource). */
  subresource?: "status";
}

export type WriteListener = (key: string) => void;

const NAME_CHARS = "bcdfghjklmnpqrstvwxz2456789";
export const randomSuffix = (n = 5): string =>
  Array.from({ length: n }, () => NAME_CHARS[Math.floor(Math.random() * NAME_CHARS.length)]).join("");

export class Cluster {
  readonly events: EventRecorder;
  private readonly writeListeners = new Set<WriteListener>();
  /** The field manager of writes that name none (managedFields): the reconciling component, set by the control plane. */
  fieldManager: string | undefined;

  constructor(
    readonly store: ObjectStore,
    readonly clock: SimClock,
  ) {
    this.events = new EventRecorder(this);
  }

  /** Runs `fn` with `manager` as the field manager of its writes. */
  asManager<T>(manager: string, fn: () => T): T {
    const previous = this.fieldManager;
    this.fieldManager = manager;
    try {
      return fn();
    } finally {
      this.fieldManager = previous;
    }
  }

  now(): number {
    return this.clock.now();
  }

  timestamp(): string {
    return rfc3339(this.clock.now());
  }

  onWrite(listener: WriteListener): () => void {
    this.writeListeners.add(listener);
    return () => this.writeListeners.delete(listener);
  }

  private notify(key: string): void {
    for (const l of this.writeListeners) l(key);
  }

  private type(key: string) {
    const t = typeOfKey.get(key);
    if (!t) throw new ApiError(404, "NotFound", `the server could not find the requested resource (${key})`);
    return t;
  }

  get<T extends KubeObject = KubeObject>(key: string, namespace: string | undefined, name: string): T | undefined {
    return this.store.get(key, namespace, name) as T | undefined;
  }

  mustGet<T extends KubeObject = KubeObject>(key: string, namespace: string | undefined, name: string): T {
    const o = this.get<T>(key, namespace, name);
    if (!o) {
      const t = this.type(key);
      throw notFound(t.plural, t.group, name);
    }
    return o;
  }

  /** Shared, read-only objects: clone before changing. */
  list<T extends KubeObject = KubeObject>(key: string, namespace?: string): T[] {
    return this.store.list(key, namespace) as T[];
  }

  create<T extends KubeObject = KubeObject>(key: string, input: KubeObject, opts: WriteOptions = {}): T {
    const t = this.type(key);
    const obj = clone(input);
    obj.apiVersion = apiVersionOf(t);
    obj.kind = t.kind;
    const meta = (obj.metadata ??= {});
    if (!t.namespaced) delete meta.namespace;
    else meta.namespace ??= "default";
    const requestName = meta.name || meta.generateName || "";
    if (!meta.name && meta.generateName) meta.name = meta.generateName + randomSuffix();
    if (!meta.name)
      throw invalid(t.kind, t.group, "", [
        { field: "metadata.name", message: "Required value: name or generateName is required", reason: "FieldValueRequired" },
      ]);
    if (t.namespaced && key !== R.namespaces && !this.store.get(R.namespaces, undefined, meta.namespace!)) {
      throw notFound("namespaces", "", meta.namespace!);
    }
    if (this.store.get(key, meta.namespace, meta.name)) throw alreadyExists(t.plural, t.group, meta.name);
    meta.uid = randomUUID();
    meta.creationTimestamp = this.timestamp();
    delete meta.resourceVersion;
    delete meta.deletionTimestamp;
    if (obj.spec !== undefined) meta.generation = 1;
    applyDefaults(key, obj);
    mutatingAdmission(this, key, obj);
    validate(key, obj, undefined, this);
    const charges = validatingAdmission(this, key, obj, requestName);
    recordWrite(this, key, obj, undefined, opts);
    if (opts.dryRun) return { ...obj, metadata: { ...meta, resourceVersion: String(this.store.resourceVersion) } } as T;
    const stored = this.store.put(key, obj) as T;
    commitAdmission(this, charges);
    this.notify(key);
    return stored;
  }

  /**
   * Replaces an object. A resourceVersion in the input must match the stored one (409 otherwise);
   * without one the write is unconditional, as a PUT without resourceVersion is on a real server.
   */
  update<T extends KubeObject = KubeObject>(key: string, input: KubeObject, opts: WriteOptions = {}, owned = false): T {
    const t = this.type(key);
    const namespace = t.namespaced ? (input.metadata?.namespace ?? "default") : undefined;
    const name = input.metadata?.name ?? "";
    const current = this.store.get(key, namespace, name);
    if (!current) throw notFound(t.plural, t.group, name);
    const rv = input.metadata.resourceVersion;
    if (rv && rv !== current.metadata.resourceVersion) throw conflict(t.plural, t.group, name);
    // `owned`: the caller hands over a private copy (mutate's draft), so it need not be copied again.
    const obj = owned ? input : clone(input);
    obj.apiVersion = apiVersionOf(t);
    obj.kind = t.kind;
    // Identity and server-managed fields never change through an update.
    for (const f of ["uid", "creationTimestamp", "namespace", "deletionTimestamp", "deletionGracePeriodSeconds", "generation"] as const) {
      if (current.metadata[f] === undefined) delete obj.metadata[f];
      else (obj.metadata as Record<string, unknown>)[f] = current.metadata[f];
    }
    if (t.namespaced) obj.metadata.namespace = namespace;
    const hasStatusSub = t.subresources?.includes("status");
    if (opts.subresource === "status") {
      // Only status (and metadata labels/annotations) change through /status.
      obj.spec = current.spec === undefined ? undefined : clone(current.spec);
      if (obj.spec === undefined) delete obj.spec;
    } else if (hasStatusSub) {
      if (current.status === undefined) delete obj.status;
      else obj.status = clone(current.status);
    }
    if (obj.spec !== undefined && !deepEqual(obj.spec, current.spec)) {
      obj.metadata.generation = (current.metadata.generation ?? 0) + 1;
    }
    applyDefaults(key, obj);
    validate(key, obj, current, this);
    checkNoNewFinalizers(key, obj, current);
    recordWrite(this, key, obj, current, opts);
    if (opts.dryRun) return { ...obj, metadata: { ...obj.metadata, resourceVersion: current.metadata.resourceVersion } } as T;
    const stored = this.store.put(key, obj) as T;
    // The last finalizer of a deleting object is gone: the object goes with this update.
    if (shouldRemoveAfterUpdate(stored)) this.store.remove(key, namespace, name);
    this.notify(key);
    return stored;
  }

  /**
   * Read-modify-write for controllers: `change` edits a draft; nothing is written when it leaves the object
   * unchanged. Returns the stored object (or undefined when it no longer exists).
   */
  mutate<T extends KubeObject = KubeObject>(
    key: string,
    namespace: string | undefined,
    name: string,
    change: (draft: T) => void,
    opts: WriteOptions = {},
  ): T | undefined {
    const current = this.store.get(key, namespace, name) as T | undefined;
    if (!current) return undefined;
    const draft = clone(current);
    change(draft);
    if (deepEqual(draft, current)) return current;
    return this.update<T>(key, draft, opts, true);
  }

  updateStatus<T extends KubeObject = KubeObject>(
    key: string,
    namespace: string | undefined,
    name: string,
    change: (draft: T) => void,
  ): T | undefined {
    return this.mutate<T>(key, namespace, name, change, { subresource: "status" });
  }

  /**
   * DELETE as the generic registry does it: a pod bound to a node is marked for graceful deletion (the kubelet
   * confirms with a final delete of grace 0), an object with finalizers is marked and kept until they are removed,
   * anything else goes at once. Returns the object as it now is (still stored, or as it was when removed).
   */
  delete<T extends KubeObject = KubeObject>(
    key: string,
    namespace: string | undefined,
    name: string,
    opts: { dryRun?: boolean; uid?: string; resourceVersion?: string; propagationPolicy?: string; gracePeriodSeconds?: number } = {},
  ): T {
    const t = this.type(key);
    const ns = t.namespaced ? namespace : undefined;
    const current = this.store.get(key, ns, name);
    if (!current) throw notFound(t.plural, t.group, name);
    if (
      (opts.uid && opts.uid !== current.metadata.uid) ||
      (opts.resourceVersion && opts.resourceVersion !== current.metadata.resourceVersion)
    ) {
      throw conflict(t.plural, t.group, name);
    }
    const plan = deletionPlan(key, current, opts.gracePeriodSeconds, this.now());
    if (opts.dryRun || plan.action === "keep") return current as T;
    if (opts.propagationPolicy === "Orphan") this.orphanDependents(current);
    if (plan.action === "mark") {
      const marked = clone(current);
      marked.metadata.deletionTimestamp = plan.deletionTimestamp;
      marked.metadata.deletionGracePeriodSeconds = plan.deletionGracePeriodSeconds;
      const stored = this.store.put(key, marked) as T;
      this.notify(key);
      return stored;
    }
    const removed = this.store.remove(key, ns, name) as T;
    this.notify(key);
    return removed;
  }

  /** Orphan propagation: dependents lose their owner reference instead of being collected. */
  private orphanDependents(owner: KubeObject): void {
    const uid = owner.metadata.uid;
    for (const [key] of typeOfKey) {
      for (const o of this.store.list(key, owner.metadata.namespace)) {
        if (!o.metadata.ownerReferences?.some((r) => r.uid === uid)) continue;
        this.mutate(key, o.metadata.namespace, o.metadata.name!, (d) => {
          d.metadata.ownerReferences = d.metadata.ownerReferences!.filter((r) => r.uid !== uid);
          if (d.metadata.ownerReferences.length === 0) delete d.metadata.ownerReferences;
        });
      }
    }
  }
}

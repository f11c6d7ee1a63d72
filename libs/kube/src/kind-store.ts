// The cached objects of one kind, with the lookups the analyzer, executor and effectiveness need to stay off
// the API server: by namespace/name, by uid, by owner uid ("pods of this ReplicaSet"), by label selector,
// and by any index the kind declares (pods by node, events by involved object). It is the sink of a
// Reflector and reports each real change once: an object re-delivered unchanged (same resourceVersion, as
// after every reconnect) is not a change, and a name that came back with another uid is a delete plus an add.
import type { KubernetesObject } from "@kubernetes/client-node";
import type { KindName } from "./kinds.js";
import { compileSelector, type LabelSelectorInput } from "./label-selector.js";
import type { ReflectorSink } from "./reflector.js";

/** The values under which an object is found in an index. */
export type Indexer<T> = (obj: T) => readonly string[];
export type ChangeType = "add" | "update" | "delete";
export type StoreListener<T> = (type: ChangeType, obj: T, previous: T | undefined) => void;

export interface ListFilter {
  namespace?: string;
  labelSelector?: LabelSelectorInput;
}

const keyOf = (obj: KubernetesObject): string => `${obj.metadata?.namespace ?? ""}/${obj.metadata?.name ?? ""}`;

/** Every object is indexed by the uids of its owners. */
const ownerIndexer: Indexer<KubernetesObject> = (obj) => (obj.metadata?.ownerReferences ?? []).map((r) => r.uid);

export class KindStore<T extends KubernetesObject> implements ReflectorSink<T> {
  private readonly objects = new Map<string, T>();
  private readonly uids = new Map<string, T>();
  private readonly namespaces = new Map<string, Map<string, T>>();
  private readonly indexes = new Map<string, Map<string, Set<string>>>();
  private readonly indexers: Array<[string, Indexer<T>]>;

  constructor(
    readonly kind: KindName,
    indexers: Record<string, Indexer<T>> = {},
    private readonly onChange?: StoreListener<T>,
  ) {
    this.indexers = [["owner", ownerIndexer], ...Object.entries(indexers)];
    for (const [name] of this.indexers) this.indexes.set(name, new Map());
  }

  get size(): number {
    return this.objects.size;
  }

  /** Objects are shared with every reader: never mutate them. */
  get(name: string, namespace?: string): T | undefined {
    return this.objects.get(`${namespace ?? ""}/${name}`);
  }

  getByUid(uid: string): T | undefined {
    return this.uids.get(uid);
  }

  list(filter: ListFilter = {}): T[] {
    const source = filter.namespace === undefined ? this.objects : this.namespaces.get(filter.namespace);
    if (!source) return [];
    const all = [...source.values()];
    if (filter.labelSelector === undefined) return all;
    const selector = compileSelector(filter.labelSelector);
    return all.filter((o) => selector.matches(o.metadata?.labels));
  }

  /** The objects an index has under `value` ("owner" → owner uid, and the kind's own indexes). */
  byIndex(index: string, value: string): T[] {
    const idx = this.indexes.get(index);
    if (!idx) throw new Error(`${this.kind} has no index "${index}" (has: ${[...this.indexes.keys()].join(", ")})`);
    const keys = idx.get(value);
    if (!keys) return [];
    const out: T[] = [];
    for (const k of keys) {
      const o = this.objects.get(k);
      if (o) out.push(o);
    }
    return out;
  }

  /** Objects with an ownerReference to this uid ("pods of this ReplicaSet", "jobs of this CronJob"). */
  byOwner(uid: string): T[] {
    return this.byIndex("owner", uid);
  }

  replaceAll(items: readonly T[]): void {
    const listed = new Set(items.map(keyOf));
    for (const [key, obj] of [...this.objects]) if (!listed.has(key)) this.drop(key, obj, obj);
    for (const item of items) this.upsert(item);
  }

  upsert(obj: T): void {
    const key = keyOf(obj);
    const prev = this.objects.get(key);
    const rv = obj.metadata?.resourceVersion;
    if (prev && rv && prev.metadata?.resourceVersion === rv && prev.metadata?.uid === obj.metadata?.uid) return;
    if (prev && prev.metadata?.uid !== obj.metadata?.uid) {
      // Deleted and re-created while we were not watching: two changes, not one update.
      this.drop(key, prev, prev);
      return this.upsert(obj);
    }
    if (prev) this.unindex(key, prev);
    this.objects.set(key, obj);
    this.index(key, obj);
    this.onChange?.(prev ? "update" : "add", obj, prev);
  }

  remove(obj: T): void {
    const key = keyOf(obj);
    const prev = this.objects.get(key);
    if (prev) this.drop(key, obj, prev);
  }

  /** Forgets everything without reporting changes (the cache stopped). */
  clear(): void {
    this.objects.clear();
    this.uids.clear();
    this.namespaces.clear();
    for (const idx of this.indexes.values()) idx.clear();
  }

  private drop(key: string, final: T, prev: T): void {
    this.unindex(key, prev);
    this.objects.delete(key);
    this.onChange?.("delete", final, prev);
  }

  private index(key: string, obj: T): void {
    const uid = obj.metadata?.uid;
    if (uid) this.uids.set(uid, obj);
    const ns = obj.metadata?.namespace ?? "";
    let bucket = this.namespaces.get(ns);
    if (!bucket) this.namespaces.set(ns, (bucket = new Map<string, T>()));
    bucket.set(key, obj);
    for (const [name, indexer] of this.indexers) {
      const idx = this.indexes.get(name)!;
      for (const value of indexer(obj)) {
        let keys = idx.get(value);
        if (!keys) idx.set(value, (keys = new Set()));
        keys.add(key);
      }
    }
  }

  private unindex(key: string, obj: T): void {
    const uid = obj.metadata?.uid;
    if (uid && this.uids.get(uid) === obj) this.uids.delete(uid);
    const ns = obj.metadata?.namespace ?? "";
    const bucket = this.namespaces.get(ns);
    bucket?.delete(key);
    if (bucket?.size === 0) this.namespaces.delete(ns);
    for (const [name, indexer] of this.indexers) {
      const idx = this.indexes.get(name)!;
      for (const value of indexer(obj)) {
        const keys = idx.get(value);
        keys?.delete(key);
        if (keys?.size === 0) idx.delete(value);
      }
    }
  }
}

// The simulator's etcd: objects per resource type, one global resourceVersion counter, and a bounded
// per-type change log that lets watches resume from a resourceVersion (or get 410 Gone when it is compacted).
import type { KubeObject } from "../types.js";

export type WatchEventType = "ADDED" | "MODIFIED" | "DELETED";

export interface StoreEvent {
  type: WatchEventType;
  key: string;
  rv: number;
  object: KubeObject;
  /** The object before this change (MODIFIED/DELETED), so selector-filtered watches can emit ADDED/DELETED on transitions. */
  previous?: KubeObject;
}

export type StoreListener = (event: StoreEvent) => void;

const nameKey = (namespace: string | undefined, name: string): string => `${namespace ?? ""}/${name}`;

class TypeStore {
  readonly objects = new Map<string, KubeObject>();
  readonly log: StoreEvent[] = [];
  /** Lowest resourceVersion a watch can resume from without missing events. */
  compactedRv = 0;
  readonly listeners = new Set<StoreListener>();
}

export class ObjectStore {
  private rv = 1;
  private readonly types = new Map<string, TypeStore>();

  // Like etcd compaction, history is bounded: about 25k changes per resource type can be resumed from.
  constructor(private readonly logCapacity = 25_000) {}

  get resourceVersion(): number {
    return this.rv;
  }

  private type(key: string): TypeStore {
    let t = this.types.get(key);
    if (!t) {
      t = new TypeStore();
      this.types.set(key, t);
    }
    return t;
  }

  get(key: string, namespace: string | undefined, name: string): KubeObject | undefined {
    return this.type(key).objects.get(nameKey(namespace, name));
  }

  /** Objects of a type, optionally in one namespace. Returned objects are shared: never mutate them. */
  list(key: string, namespace?: string): KubeObject[] {
    const all = this.type(key).objects.values();
    const out: KubeObject[] = [];
    for (const o of all) if (namespace === undefined || o.metadata.namespace === namespace) out.push(o);
    return out;
  }

  count(key: string): number {
    return this.type(key).objects.size;
  }

  /** Stores `object` (already validated and defaulted), stamping a new resourceVersion. */
  put(key: string, object: KubeObject): KubeObject {
    const t = this.type(key);
    const k = nameKey(object.metadata.namespace, object.metadata.name!);
    const previous = t.objects.get(k);
    const rv = ++this.rv;
    const stored = { ...object, metadata: { ...object.metadata, resourceVersion: String(rv) } };
    t.objects.set(k, stored);
    this.emit(t, { type: previous ? "MODIFIED" : "ADDED", key, rv, object: stored, ...(previous ? { previous } : {}) });
    return stored;
  }

  remove(key: string, namespace: string | undefined, name: string): KubeObject | undefined {
    const t = this.type(key);
    const k = nameKey(namespace, name);
    const previous = t.objects.get(k);
    if (!previous) return undefined;
    t.objects.delete(k);
    const rv = ++this.rv;
    const object = { ...previous, metadata: { ...previous.metadata, resourceVersion: String(rv) } };
    this.emit(t, { type: "DELETED", key, rv, object, previous });
    return object;
  }

  private emit(t: TypeStore, event: StoreEvent): void {
    t.log.push(event);
    // Trimmed in chunks: a splice per write would shift the whole log every time.
    if (t.log.length > this.logCapacity * 1.25) {
      const dropped = t.log.splice(0, t.log.length - this.logCapacity);
      t.compactedRv = dropped[dropped.length - 1]!.rv;
    }
    for (const l of t.listeners) l(event);
  }

  /**
   * Events of `key` after `fromRv`, or undefined when some of them were compacted away (the caller answers 410).
   */
  eventsSince(key: string, fromRv: number): StoreEvent[] | undefined {
    const t = this.type(key);
    if (fromRv < t.compactedRv) return undefined;
    // The log is ordered by rv: binary search for the first event after fromRv.
    let lo = 0;
    let hi = t.log.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (t.log[mid]!.rv <= fromRv) lo = mid + 1;
      else hi = mid;
    }
    return t.log.slice(lo);
  }

  /** Forgets history, as etcd compaction does: watches resuming from an older resourceVersion get 410 Gone. */
  compact(): void {
    for (const t of this.types.values()) {
      t.log.length = 0;
      t.compactedRv = this.rv;
    }
  }

  subscribe(key: string, listener: StoreListener): () => void {
    const t = this.type(key);
    t.listeners.add(listener);
    return () => t.listeners.delete(listener);
  }
}

// Informer-backed caches of the kinds a service asks for: one Reflector (list + watch) and one KindStore per
// kind, a readiness check, change events and metrics. Reads are synchronous and never touch the API server,
// so an analysis or a REST answer costs no request; `client` is there for what a cache cannot answer.
import type { CoreV1Event, KubeConfig, KubernetesObject, V1Node } from "@kubernetes/client-node";
import { Registry } from "prom-client";
import { CacheMetrics, type KindGaugeSource } from "./cache-metrics.js";
import { DEFAULT_CACHED_KINDS, indexersOf, ingest, involvedKeys, type CachedObjectOf } from "./cached-kinds.js";
import { KubeClient } from "./client.js";
import type { ClusterClock } from "./cluster-clock.js";
import { KindStore, type ChangeType } from "./kind-store.js";
import { KINDS, type KindName, type ResourceRef } from "./kinds.js";
import type { KubeLogger } from "./logger.js";
import { Reflector, type ReflectorOptions, type ReflectorState } from "./reflector.js";

export interface KindSelector {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
}

export interface ClusterCacheOptions {
  /** API access: a client (shared with the caller's writes), or a kubeconfig to make one from. */
  client?: KubeClient;
  kubeConfig?: KubeConfig;
  /** What to cache. Default: DEFAULT_CACHED_KINDS. */
  kinds?: readonly KindName[];
  /** Limits every namespaced kind to one namespace (cluster-scoped kinds are unaffected). */
  namespace?: string;
  /** Per-kind selectors, e.g. { Pod: { fieldSelector: "spec.nodeName=node-1" } } for a node agent. */
  selectors?: { [K in KindName]?: KindSelector };
  log: KubeLogger;
  /** Where cache (and request) metrics go; a private registry when absent. */
  registry?: Registry;
  /** List/watch tuning (tests shorten it). */
  reflector?: Pick<ReflectorOptions<KindName>, "requestTimeoutMs" | "watchTimeoutSeconds" | "backoff" | "pageSize">;
}

export interface CacheChange<K extends KindName = KindName> {
  type: ChangeType;
  kind: K;
  /** After the change; for a delete, the last state seen. */
  object: CachedObjectOf<K>;
  /** Before the change (update, delete). */
  previous: CachedObjectOf<K> | undefined;
}

export type CacheListener = (change: CacheChange) => void;

export interface KindStatus {
  kind: KindName;
  state: ReflectorState;
  synced: boolean;
  objects: number;
  lists: number;
  watches: number;
  relists: number;
  errors: number;
  lastSyncAt?: string;
  lastError?: string;
}

/** What an event may be about: a cached object (with kind), or a reference. */
export type InvolvedRef = { kind: string; name: string; namespace?: string; uid?: string };

interface Entry<K extends KindName> {
  store: KindStore<CachedObjectOf<K>>;
  reflector: Reflector<K, CachedObjectOf<K>>;
}

const CLOCK_REFRESH_MS = 10_000;

/** What an added or changed object says about the cluster's time: an event's last occurrence, a node's heartbeat. */
function observeClusterTime(clock: ClusterClock, { kind, object }: CacheChange): void {
  if (kind === "Event") {
    const e = object as CoreV1Event;
    clock.observeObjectTime(e.series?.lastObservedTime ?? e.lastTimestamp ?? e.eventTime);
  } else if (kind === "Node") {
    const ready = (object as V1Node).status?.conditions?.find((c) => c.type === "Ready");
    clock.observeObjectTime(ready?.lastHeartbeatTime);
  }
}

const eventTime = (e: CoreV1Event): number =>
  (e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? e.metadata?.creationTimestamp ?? new Date(0)).getTime();

export class ClusterCache {
  readonly client: KubeClient;
  readonly kinds: readonly KindName[];
  private readonly entries = new Map<KindName, Entry<KindName>>();
  private readonly listeners: Record<ChangeType, Set<CacheListener>> = { add: new Set(), update: new Set(), delete: new Set() };
  private readonly metrics: CacheMetrics;
  private readonly detachMetrics: () => void;
  private clockTimer: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly options: ClusterCacheOptions) {
    const registry = options.registry ?? new Registry();
    if (options.client) this.client = options.client;
    else if (options.kubeConfig) this.client = new KubeClient(options.kubeConfig, { registry });
    else throw new Error("ClusterCache needs a client or a kubeConfig");
    this.kinds = [...new Set(options.kinds ?? DEFAULT_CACHED_KINDS)];
    this.metrics = CacheMetrics.for(registry);
    for (const kind of this.kinds) this.entries.set(kind, this.makeEntry(kind));
    this.detachMetrics = this.metrics.attach(() => this.gaugeSources());
  }

  /** The cluster's time: the API server's Date headers and the newest event or heartbeat cached. */
  get clock(): ClusterClock {
    return this.client.clock;
  }

  /** Starts every kind's list/watch loop; returns at once (see waitForSync / cachesSynced). */
  start(): void {
    for (const e of this.entries.values()) e.reflector.start();
    // Watches carry no Date header: when no other request told the server's time for a while, ask for it.
    this.clockTimer ??= setInterval(() => {
      const since = this.clock.sinceServerDate();
      if (since !== undefined && since < CLOCK_REFRESH_MS) return;
      this.client.request("/version", { verb: "get", resource: "version", timeoutMs: 5000 }).catch(() => undefined);
    }, CLOCK_REFRESH_MS);
    this.clockTimer.unref?.();
  }

  /** Resolves true once every kind has listed, false after `timeoutMs` (the loops keep trying). */
  async waitForSync(timeoutMs: number): Promise<boolean> {
    const results = await Promise.all([...this.entries.values()].map((e) => e.reflector.waitForSync(timeoutMs)));
    return results.every(Boolean);
  }

  async stop(): Promise<void> {
    clearInterval(this.clockTimer);
    this.clockTimer = undefined;
    await Promise.all([...this.entries.values()].map((e) => e.reflector.stop()));
    this.detachMetrics();
  }

  has(kind: KindName): boolean {
    return this.entries.has(kind);
  }

  /** Whether a kind (or every kind) has completed its first list. It stays true while a watch retries: the cache still answers. */
  synced(kind?: KindName): boolean {
    if (kind) return this.entries.get(kind)?.reflector.lastSyncAt !== undefined;
    return [...this.entries.values()].every((e) => e.reflector.lastSyncAt !== undefined);
  }

  /** For readiness checks: true, or which kinds have not synced yet and why. */
  cachesSynced(): true | string {
    const pending = [...this.entries.values()]
      .filter((e) => e.reflector.lastSyncAt === undefined || e.reflector.state === "stopped")
      .map(({ reflector: r }) => `${r.kind}: ${r.state}${r.lastError ? ` (${r.lastError})` : ""}`);
    return pending.length === 0 ? true : `caches not synced: ${pending.join("; ")}`;
  }

  status(): KindStatus[] {
    return [...this.entries.values()].map(({ store, reflector: r }) => ({
      kind: r.kind,
      state: r.state,
      synced: r.lastSyncAt !== undefined,
      objects: store.size,
      lists: r.lists,
      watches: r.watches,
      relists: r.relists,
      errors: r.errors,
      ...(r.lastSyncAt !== undefined ? { lastSyncAt: new Date(r.lastSyncAt).toISOString() } : {}),
      ...(r.lastError !== undefined ? { lastError: r.lastError } : {}),
    }));
  }

  /** The store of a started kind; asking for a kind that was not started is a programming error. */
  store<K extends KindName>(kind: K): KindStore<CachedObjectOf<K>> {
    const e = this.entries.get(kind);
    if (!e) throw new Error(`kind ${kind} is not cached (cached: ${this.kinds.join(", ")})`);
    return e.store as unknown as KindStore<CachedObjectOf<K>>;
  }

  /** A cached object, or undefined (not cached, or its kind not started). */
  get<K extends KindName>(ref: ResourceRef<K>): CachedObjectOf<K> | undefined {
    const e = this.entries.get(ref.kind);
    if (!e) return undefined;
    return e.store.get(ref.name, KINDS[ref.kind].namespaced ? (ref.namespace ?? "default") : undefined) as CachedObjectOf<K> | undefined;
  }

  /** Any cached object by uid, with its kind. */
  findByUid(uid: string): { kind: KindName; object: KubernetesObject } | undefined {
    for (const [kind, e] of this.entries) {
      const object = e.store.getByUid(uid);
      if (object) return { kind, object };
    }
    return undefined;
  }

  /** Events about an object, oldest first (as `kubectl describe` lists them); by uid when known, else kind/namespace/name. */
  eventsFor(about: InvolvedRef): CoreV1Event[] {
    const [key] = involvedKeys({
      kind: about.kind,
      name: about.name,
      namespace: KINDS[about.kind as KindName]?.namespaced === false ? "" : about.namespace,
      ...(about.uid ? { uid: about.uid } : {}),
    });
    return this.store("Event")
      .byIndex("involved", key!)
      .sort((a, b) => eventTime(a) - eventTime(b));
  }

  /** Subscribes to changes; returns the unsubscribe function. Listeners run synchronously, in cache order. */
  on(type: ChangeType, listener: CacheListener): () => void {
    this.listeners[type].add(listener);
    return () => this.listeners[type].delete(listener);
  }

  private makeEntry<K extends KindName>(kind: K): Entry<K> {
    const store = new KindStore<CachedObjectOf<K>>(kind, indexersOf(kind), (type, object, previous) =>
      this.emit({ type, kind, object, previous }),
    );
    const def = KINDS[kind];
    const sel: KindSelector = this.options.selectors?.[kind] ?? {};
    const namespace = def.namespaced ? (sel.namespace ?? this.options.namespace) : undefined;
    const reflector = new Reflector<K, CachedObjectOf<K>>({
      ...this.options.reflector,
      client: this.client,
      kind,
      ...(namespace ? { namespace } : {}),
      ...(sel.labelSelector ? { labelSelector: sel.labelSelector } : {}),
      ...(sel.fieldSelector ? { fieldSelector: sel.fieldSelector } : {}),
      sink: store,
      transform: (o) => ingest(kind, o),
      log: this.options.log,
      observer: {
        listed: () => this.metrics.lists.inc({ kind }),
        watchStarted: () => this.metrics.watches.inc({ kind }),
        expired: () => this.metrics.relists.inc({ kind }),
        failed: () => this.metrics.errors.inc({ kind }),
      },
    });
    return { store, reflector };
  }

  private emit(change: CacheChange): void {
    this.metrics.changed(change.kind, change.type);
    if (change.type !== "delete") observeClusterTime(this.clock, change);
    for (const listener of this.listeners[change.type]) {
      try {
        listener(change);
      } catch (err) {
        // One consumer's bug must not stop the cache or the other consumers.
        this.options.log.warn(
          {
            kind: change.kind,
            type: change.type,
            name: change.object.metadata?.name,
            err: err instanceof Error ? err.message : String(err),
          },
          "cache change listener failed",
        );
      }
    }
  }

  private gaugeSources(): KindGaugeSource[] {
    return [...this.entries.values()].map(({ store, reflector: r }) => ({
      kind: r.kind,
      objects: store.size,
      synced: r.lastSyncAt !== undefined,
      lastContactAt: r.lastContactAt,
    }));
  }
}

// Keeps a sink in step with the objects of one kind (optionally one namespace and selectors): list, then
// watch from the list's resourceVersion, the way client-go's reflector does. client-node's ListWatch stops
// for good on the first error and its watches have no timeout, so a half-open connection would freeze the
// cache silently. This loop instead:
// - lists page by page, each request under a deadline and the owner's stop signal;
// - watches with timeoutSeconds (5-10 min, randomised as client-go does) and bookmarks, and resumes from
//   the last resourceVersion when a watch ends or drops; a watch still open well after its timeout is dead;
// - relists when the resourceVersion expired (410 Gone, as an HTTP status or an ERROR event);
// - retries failures with capped exponential backoff, and never throws to its owner: state, lastError and
//   the counters say what is going on.
import { Watch } from "@kubernetes/client-node";
import { backoffDelay, type BackoffOptions } from "@vigil/contracts";
import { withKind, type KubeClient } from "./client.js";
import { toKubeApiError } from "./errors.js";
import { KINDS, collectionPath, type KindDefinition, type KindName, type ObjectOf } from "./kinds.js";
import type { KubeLogger } from "./logger.js";
import { fromWire } from "./wire.js";

/** connecting: never listed yet; synced: cache current; retrying: failing, the cache kept as it was; stopped. */
export type ReflectorState = "connecting" | "synced" | "retrying" | "stopped";

/** Where the objects go. A PodIndex, a KindStore, anything with these three methods. */
export interface ReflectorSink<T> {
  /** A complete list (start, or a relist after 410): objects not in it are gone. */
  replaceAll(items: readonly T[]): void;
  upsert(obj: T): void;
  remove(obj: T): void;
}

/** Hooks for metrics. */
export interface ReflectorObserver {
  listed?(objects: number): void;
  watchStarted?(): void;
  /** The resourceVersion expired (410): a relist follows. */
  expired?(): void;
  failed?(message: string): void;
}

export interface ReflectorOptions<K extends KindName, T = ObjectOf<K>> {
  client: KubeClient;
  kind: K;
  /** Only this namespace (namespaced kinds). */
  namespace?: string;
  labelSelector?: string;
  /** e.g. spec.nodeName=<node>: the API server filters, a node agent sees its own pods only. */
  fieldSelector?: string;
  sink: ReflectorSink<T>;
  /** Applied to each object before the sink sees it (e.g. to drop what is never read). */
  transform?: (obj: ObjectOf<K>) => T;
  log: KubeLogger;
  /** Deadline of each list request and of a watch's response headers. Default 30 s. */
  requestTimeoutMs?: number;
  /** Server-side watch timeout range; default 300-600 s. */
  watchTimeoutSeconds?: [min: number, max: number];
  backoff?: BackoffOptions;
  /** Page size of the list. Default 500. */
  pageSize?: number;
  observer?: ReflectorObserver;
}

type WatchEnd = "closed" | "expired" | "stopped";

export class Reflector<K extends KindName, T = ObjectOf<K>> {
  state: ReflectorState = "connecting";
  lastError: string | undefined;
  /** Epoch ms of the last complete list. */
  lastSyncAt: number | undefined;
  /** Epoch ms of the last sign the cache is current: a list, a watch event or bookmark, a watch ending normally. */
  lastContactAt: number | undefined;
  lists = 0;
  watches = 0;
  /** Relists forced by an expired resourceVersion (410 Gone). */
  relists = 0;
  errors = 0;
  readonly kind: K;
  private resourceVersion = "";
  private readonly def: KindDefinition;
  private readonly stopController = new AbortController();
  private abortWatch: (() => void) | undefined;
  private running: Promise<void> | undefined;
  private syncedWaiters: Array<() => void> = [];
  private readonly requestTimeoutMs: number;
  private readonly watchTimeout: [number, number];
  private readonly backoff: BackoffOptions;
  private readonly transform: (obj: ObjectOf<K>) => T;
  private readonly logContext: Record<string, string>;

  constructor(private readonly options: ReflectorOptions<K, T>) {
    this.kind = options.kind;
    this.def = KINDS[options.kind];
    this.requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
    this.watchTimeout = options.watchTimeoutSeconds ?? [300, 600];
    this.backoff = options.backoff ?? { baseMs: 500, maxMs: 30_000 };
    this.transform = options.transform ?? ((o) => o as unknown as T);
    this.logContext = { kind: options.kind };
    for (const k of ["namespace", "labelSelector", "fieldSelector"] as const) if (options[k]) this.logContext[k] = options[k];
  }

  start(): void {
    this.running ??= this.run();
  }

  /** Resolves true once the first list is in the sink, false after `timeoutMs` (the loop keeps trying). */
  waitForSync(timeoutMs: number): Promise<boolean> {
    if (this.lastSyncAt !== undefined) return Promise.resolve(true);
    if (this.state === "stopped") return Promise.resolve(false);
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        resolve(this.lastSyncAt !== undefined);
      };
      const timer = setTimeout(() => {
        this.syncedWaiters = this.syncedWaiters.filter((w) => w !== done);
        resolve(false);
      }, timeoutMs);
      this.syncedWaiters.push(done);
    });
  }

  async stop(): Promise<void> {
    this.state = "stopped";
    this.stopController.abort();
    this.abortWatch?.();
    for (const w of this.syncedWaiters.splice(0)) w();
    await this.running;
  }

  private get stopped(): boolean {
    return this.stopController.signal.aborted;
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      try {
        if (!this.resourceVersion) await this.list();
        if (this.stopped) break; // stopped while a list completed: no watch to start
        const started = Date.now();
        const end = await this.watch();
        if (end === "expired") {
          this.options.log.info(this.logContext, "watch expired (410): relisting");
          this.resourceVersion = "";
          this.relists++;
          this.options.observer?.expired?.();
        }
        failures = 0;
        if (this.state === "retrying") this.state = "synced";
        // A server or proxy that closes watches at once must not turn this into a busy loop.
        if (end === "closed" && Date.now() - started < 1_000) await this.sleep(1_000);
      } catch (err) {
        if (this.stopped) break;
        failures++;
        this.errors++;
        const e = toKubeApiError(err);
        this.lastError = e.status ? `HTTP ${e.status}: ${e.message}` : e.message;
        this.options.observer?.failed?.(this.lastError);
        if (this.state !== "connecting") this.state = "retrying";
        const delay = backoffDelay(failures, this.backoff);
        this.options.log.warn({ ...this.logContext, err: this.lastError, failures, retryInMs: delay }, "list/watch failed");
        await this.sleep(delay);
      }
    }
    this.state = "stopped";
  }

  private async list(): Promise<void> {
    const { client, kind, namespace, labelSelector, fieldSelector, pageSize } = this.options;
    const { items, resourceVersion } = await client.list(kind, {
      ...(namespace ? { namespace } : {}),
      ...(labelSelector ? { labelSelector } : {}),
      ...(fieldSelector ? { fieldSelector } : {}),
      ...(pageSize ? { pageSize } : {}),
      signal: this.stopController.signal,
      timeoutMs: this.requestTimeoutMs,
    });
    if (this.stopped) return;
    this.options.sink.replaceAll(items.map(this.transform));
    this.resourceVersion = resourceVersion;
    this.lists++;
    this.lastSyncAt = this.lastContactAt = Date.now();
    this.lastError = undefined;
    this.options.observer?.listed?.(items.length);
    if (this.state !== "synced") this.options.log.info({ ...this.logContext, objects: items.length }, "cache synced");
    this.state = "synced";
    for (const w of this.syncedWaiters.splice(0)) w();
  }

  /** One watch from resourceVersion; resolves when it ends normally, rejects on a failure. */
  private watch(): Promise<WatchEnd> {
    const [min, max] = this.watchTimeout;
    const timeoutSeconds = Math.round(min + Math.random() * (max - min));
    const { sink, labelSelector, fieldSelector, log } = this.options;
    this.watches++;
    this.options.observer?.watchStarted?.();
    return new Promise<WatchEnd>((resolve, reject) => {
      let controller: AbortController | undefined;
      let settled = false;
      let errorEvent: Error | undefined;
      let expired = false;
      const finish = (settle: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(headersTimer);
        clearTimeout(silenceTimer);
        this.abortWatch = undefined;
        controller?.abort();
        settle();
      };
      const headersTimer = setTimeout(
        () => finish(() => reject(new Error(`watch got no response within ${this.requestTimeoutMs} ms (request timeout)`))),
        this.requestTimeoutMs,
      );
      // The server ends the watch after timeoutSeconds; a connection still open well after that is dead.
      const silenceTimer = setTimeout(
        () => finish(() => reject(new Error(`watch still open ${timeoutSeconds + 30} s after its ${timeoutSeconds} s timeout`))),
        (timeoutSeconds + 30) * 1000,
      );
      this.abortWatch = () => finish(() => resolve("stopped"));

      const onEvent = (type: string, raw: unknown) => {
        if (settled) return;
        const status = raw as { code?: number; message?: string; metadata?: { resourceVersion?: string } };
        try {
          switch (type) {
            case "ADDED":
            case "MODIFIED":
              sink.upsert(this.transform(this.decode(raw)));
              break;
            case "DELETED":
              sink.remove(this.transform(this.decode(raw)));
              break;
            case "BOOKMARK":
              break;
            case "ERROR":
              // A Status, not an object: 410 means resuming is impossible and a relist is due.
              if (status.code === 410) expired = true;
              else errorEvent = new Error(`watch error event: ${status.code ?? "?"} ${status.message ?? ""}`.trim());
              return;
            default:
              return;
          }
        } catch (err) {
          // A consumer's bug must not stop the watch (or escape into the stream's event handler).
          this.errors++;
          log.warn({ ...this.logContext, type, err: err instanceof Error ? err.message : String(err) }, "applying a watch event failed");
        }
        this.lastContactAt = Date.now();
        const rv = status.metadata?.resourceVersion;
        if (rv) this.resourceVersion = rv;
      };
      const onDone = (err: unknown) => {
        if (err) {
          // run() classifies every failure with toKubeApiError anyway: converting here keeps rejections Errors.
          const failure = toKubeApiError(err);
          return finish(failure.status === 410 ? () => resolve("expired") : () => reject(failure));
        }
        if (expired) return finish(() => resolve("expired"));
        const failed = errorEvent;
        if (failed) return finish(() => reject(failed));
        this.lastContactAt = Date.now();
        finish(() => resolve("closed"));
      };
      const query = { fieldSelector, labelSelector, resourceVersion: this.resourceVersion, allowWatchBookmarks: true, timeoutSeconds };
      new Watch(this.options.client.kubeConfig).watch(collectionPath(this.def, this.options.namespace), query, onEvent, onDone).then(
        (c) => {
          controller = c;
          clearTimeout(headersTimer);
          if (settled) c.abort(); // gave up on it already (stop, or the headers deadline)
        },
        (err: unknown) => finish(() => reject(toKubeApiError(err))),
      );
    });
  }

  private decode(raw: unknown): ObjectOf<K> {
    return withKind(fromWire<ObjectOf<K>>(raw, this.def.model), this.def);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      if (this.stopped) return resolve();
      const onAbort = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.stopController.signal.removeEventListener("abort", onAbort);
        resolve();
      }, ms);
      this.stopController.signal.addEventListener("abort", onAbort, { once: true });
    });
  }
}

// Keeps a PodIndex in step with the pods of one node: list, then watch from the list's resourceVersion,
// the way client-go's reflector does. client-node's ListWatch has no field selector in makeInformer, stops
// for good on the first error, and its watches have no timeout, so a half-open connection would freeze the
// cache silently. This loop instead:
// - lists with spec.nodeName=<node> (the API server filters: a node sees its own pods only);
// - watches with timeoutSeconds (5-10 min, randomised as client-go does) and bookmarks, and resumes from
//   the last resourceVersion when a watch ends or drops;
// - relists when the resourceVersion expired (410 Gone, as an HTTP status or an ERROR event);
// - retries failures with capped exponential backoff, and never throws to its owner: state and lastError
//   say what is going on.
import { CoreV1Api, Observable, Watch, type ConfigurationOptions, type KubeConfig, type V1Pod } from "@kubernetes/client-node";
import { backoffDelay, type BackoffOptions } from "@vigil/cri";
import type { PodIndex } from "./pod-index.js";
import type { EnrichLogger } from "./types.js";

/** connecting: never listed yet; synced: cache current; retrying: failing, the cache kept as it was; stopped. */
export type ReflectorState = "connecting" | "synced" | "retrying" | "stopped";

export interface PodReflectorOptions {
  kubeConfig: KubeConfig;
  node: string;
  index: PodIndex;
  log: EnrichLogger;
  /** Deadline of a list call and of a watch's response headers. Default 30 s. */
  requestTimeoutMs?: number;
  /** Server-side watch timeout range; default 300-600 s. */
  watchTimeoutSeconds?: [min: number, max: number];
  backoff?: BackoffOptions;
  /** Page size of the list. Default 500. */
  pageSize?: number;
}

type WatchEnd = "closed" | "expired" | "stopped";

/** Passes an AbortSignal to client-node's fetch, so a list against an unreachable API server ends on time. */
function withSignal(signal: AbortSignal): ConfigurationOptions {
  return {
    middleware: [
      {
        pre: (ctx) => {
          ctx.setSignal(signal);
          return new Observable(Promise.resolve(ctx));
        },
        post: (ctx) => new Observable(Promise.resolve(ctx)),
      },
    ],
    middlewareMergeStrategy: "append",
  };
}

const statusCode = (err: unknown): number | undefined => {
  const e = err as { statusCode?: unknown; code?: unknown };
  return typeof e.statusCode === "number" ? e.statusCode : typeof e.code === "number" ? e.code : undefined;
};

const describe = (err: unknown): string => {
  const code = statusCode(err);
  const msg = err instanceof Error ? err.message : String(err);
  return code !== undefined && !msg.includes(String(code)) ? `HTTP ${code}: ${msg}` : msg;
};

export class PodReflector {
  state: ReflectorState = "connecting";
  lastError: string | undefined;
  /** Epoch ms of the last complete list. */
  lastSyncAt: number | undefined;
  lists = 0;
  watches = 0;
  private resourceVersion = "";
  private readonly core: CoreV1Api;
  private readonly fieldSelector: string;
  private readonly stopController = new AbortController();
  private abortWatch: (() => void) | undefined;
  private running: Promise<void> | undefined;
  private syncedWaiters: Array<() => void> = [];
  private readonly requestTimeoutMs: number;
  private readonly watchTimeout: [number, number];
  private readonly backoff: BackoffOptions;
  private readonly pageSize: number;

  constructor(private readonly options: PodReflectorOptions) {
    this.core = options.kubeConfig.makeApiClient(CoreV1Api);
    this.fieldSelector = `spec.nodeName=${options.node}`;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
    this.watchTimeout = options.watchTimeoutSeconds ?? [300, 600];
    this.backoff = options.backoff ?? { baseMs: 500, maxMs: 30_000 };
    this.pageSize = options.pageSize ?? 500;
  }

  start(): void {
    this.running ??= this.run();
  }

  /** Resolves true once the first list is in the index, false after `timeoutMs` (the loop keeps trying). */
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
        const started = Date.now();
        const end = await this.watch();
        if (end === "expired") {
          this.options.log.info({ node: this.options.node }, "pod watch expired (410): relisting");
          this.resourceVersion = "";
        }
        failures = 0;
        if (this.state === "retrying") this.state = "synced";
        // A server or proxy that closes watches at once must not turn this into a busy loop.
        if (end === "closed" && Date.now() - started < 1_000) await this.sleep(1_000);
      } catch (err) {
        if (this.stopped) break;
        failures++;
        this.lastError = describe(err);
        if (this.state !== "connecting") this.state = "retrying";
        const delay = backoffDelay(failures, this.backoff);
        this.options.log.warn({ node: this.options.node, err: this.lastError, failures, retryInMs: delay }, "pod list/watch failed");
        await this.sleep(delay);
      }
    }
    this.state = "stopped";
  }

  private async list(): Promise<void> {
    const signal = AbortSignal.any([AbortSignal.timeout(this.requestTimeoutMs), this.stopController.signal]);
    const pods: V1Pod[] = [];
    let cont: string | undefined;
    let rv = "";
    do {
      const page = await this.core.listPodForAllNamespaces({ fieldSelector: this.fieldSelector, limit: this.pageSize, ...(cont ? { _continue: cont } : {}) }, withSignal(signal));
      pods.push(...page.items);
      cont = page.metadata?._continue || undefined;
      rv = page.metadata?.resourceVersion ?? rv;
    } while (cont);
    if (this.stopped) return;
    this.options.index.replaceAll(pods);
    this.resourceVersion = rv;
    this.lists++;
    this.lastSyncAt = Date.now();
    this.lastError = undefined;
    if (this.state !== "synced") this.options.log.info({ node: this.options.node, pods: pods.length }, "pod index synced");
    this.state = "synced";
    for (const w of this.syncedWaiters.splice(0)) w();
  }

  /** One watch from resourceVersion; resolves when it ends normally, rejects on a failure. */
  private watch(): Promise<WatchEnd> {
    const [min, max] = this.watchTimeout;
    const timeoutSeconds = Math.round(min + Math.random() * (max - min));
    const index = this.options.index;
    this.watches++;
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
      const headersTimer = setTimeout(() => finish(() => reject(new Error(`watch got no response within ${this.requestTimeoutMs} ms`))), this.requestTimeoutMs);
      // The server ends the watch after timeoutSeconds; a connection still open well after that is dead.
      const silenceTimer = setTimeout(() => finish(() => reject(new Error(`watch still open ${timeoutSeconds + 30} s after its ${timeoutSeconds} s timeout`))), (timeoutSeconds + 30) * 1000);
      this.abortWatch = () => finish(() => resolve("stopped"));

      const onEvent = (type: string, obj: unknown) => {
        if (settled) return;
        const o = obj as V1Pod & { code?: number; message?: string };
        switch (type) {
          case "ADDED":
          case "MODIFIED":
            index.upsert(o);
            break;
          case "DELETED":
            index.remove(o);
            break;
          case "BOOKMARK":
            break;
          case "ERROR":
            // A Status, not a pod: 410 means resume is impossible and a relist is due.
            if (o.code === 410) expired = true;
            else errorEvent = new Error(`watch error event: ${o.code ?? "?"} ${o.message ?? ""}`.trim());
            return;
          default:
            return;
        }
        const rv = o.metadata?.resourceVersion;
        if (rv) this.resourceVersion = rv;
      };
      const onDone = (err: unknown) => {
        if (err && statusCode(err) === 410) return finish(() => resolve("expired"));
        if (err) return finish(() => reject(err));
        if (expired) return finish(() => resolve("expired"));
        if (errorEvent) return finish(() => reject(errorEvent));
        finish(() => resolve("closed"));
      };
      new Watch(this.options.kubeConfig)
        .watch("/api/v1/pods", { fieldSelector: this.fieldSelector, resourceVersion: this.resourceVersion, allowWatchBookmarks: true, timeoutSeconds }, onEvent, onDone)
        .then(
          (c) => {
            controller = c;
            clearTimeout(headersTimer);
            if (settled) c.abort(); // gave up on it already (stop, or the headers deadline)
          },
          (err: unknown) => finish(() => reject(err)),
        );
    });
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

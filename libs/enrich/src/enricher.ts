// Puts the sources together for ebpf-ingest: the cgroup path says the pod uid and the container id, the
// API server's pods of this node say their names, the container runtime fills in what the API server does
// not know (yet), and without either the ids from the path are still worth having. enrich() runs for every
// event (20,000/s in the bench), so it is synchronous and does no I/O beyond a bounded /proc/<pid>/cgroup
// read when an event has nothing but a pid; parse results and pid lookups are memoised.
import type { KubeConfig } from "@kubernetes/client-node";
import type { CriClient } from "@vigil/cri";
import { KubeClient, Reflector, type ReflectorOptions, type ReflectorState } from "@vigil/kube";
import { parseCgroupPath, readProcCgroup, type ParsedCgroup } from "@vigil/procfs";
import { BoundedCache } from "./bounded-cache.js";
import { CriNames, type CriNamesStatus } from "./cri-names.js";
import { detectMemcgLayout, readMemTotalBytes } from "./memcg.js";
import { classifyOomScope, type OomScopeContext, type OomScopeInput, type OomScopeResult } from "./oom-scope.js";
import { PodIndex } from "./pod-index.js";
import type { ContainerRef, EnrichInput, EnrichLogger, Enrichment, EnrichSource, PodRef } from "./types.js";

export interface EnricherOptions {
  /** This node's name (NODE_NAME): only its pods are listed and watched. */
  node: string;
  /** Where the host's / is mounted (/proc, /sys/fs/cgroup below it). Default "/". */
  hostRoot?: string;
  /** API access; without it names come from CRI or not at all. */
  kubeConfig?: KubeConfig;
  /** The node's runtime; owned by the caller (not closed by stop()). */
  cri?: CriClient;
  log: EnrichLogger;
  /** How long deleted pods and replaced containers stay resolvable. Default 10 min. */
  retainGoneMs?: number;
  /** Minimum time between two CRI snapshots taken because of a miss. Default 5 s. */
  criRefreshIntervalMs?: number;
  /** How long start() waits for the first pod list and CRI snapshot. Default 10 s. */
  startTimeoutMs?: number;
  /** Parsed cgroup paths kept. Default 20,000. */
  cacheSize?: number;
  /** How long a pid's cgroup is reused without reading /proc again. Default 2 s. */
  pidTtlMs?: number;
  /** Tuning of the API list/watch loop (tests shorten it). */
  reflector?: Pick<ReflectorOptions<"Pod">, "requestTimeoutMs" | "watchTimeoutSeconds" | "backoff">;
}

export interface KubernetesSourceStatus {
  state: ReflectorState;
  pods: number;
  containers: number;
  gonePods: number;
  goneContainers: number;
  lists: number;
  watches: number;
  lastSyncAt?: string;
  lastError?: string;
}

export interface EnricherStatus {
  node: string;
  /** Sources that can answer now, best first; "path" always can. */
  sources: EnrichSource[];
  kubernetes?: KubernetesSourceStatus;
  cri?: CriNamesStatus;
  caches: { cgroupPaths: number; pids: number };
  /** /proc/<pid>/cgroup reads that failed for another reason than the process being gone. */
  procErrors: number;
  lastError?: string;
}

interface PidEntry {
  path: string | undefined;
  at: number;
}

export class Enricher {
  readonly node: string;
  readonly hostRoot: string;
  private readonly log: EnrichLogger;
  private readonly index: PodIndex | undefined;
  private readonly reflector: Reflector<"Pod"> | undefined;
  private readonly cri: CriNames | undefined;
  private readonly parsed: BoundedCache<string, ParsedCgroup>;
  private readonly pids: BoundedCache<number, PidEntry>;
  private readonly pidTtlMs: number;
  private readonly startTimeoutMs: number;
  private oomContext: OomScopeContext | undefined;
  private readonly scopes = new BoundedCache<string, { at: number; result: OomScopeResult }>(1000);
  private procErrors = 0;
  private lastProcError: string | undefined;
  private pruneTimer: NodeJS.Timeout | undefined;

  constructor(options: EnricherOptions) {
    this.node = options.node;
    this.hostRoot = options.hostRoot ?? "/";
    this.log = options.log;
    const cacheSize = options.cacheSize ?? 20_000;
    this.parsed = new BoundedCache(cacheSize);
    this.pids = new BoundedCache(cacheSize);
    this.pidTtlMs = options.pidTtlMs ?? 2_000;
    this.startTimeoutMs = options.startTimeoutMs ?? 10_000;
    const retainMs = options.retainGoneMs ?? 10 * 60_000;
    if (options.kubeConfig) {
      this.index = new PodIndex(retainMs);
      // libs/kube's list/watch loop, filtered by the API server to this node's pods, feeding the index.
      this.reflector = new Reflector({
        ...options.reflector,
        client: new KubeClient(options.kubeConfig),
        kind: "Pod",
        fieldSelector: `spec.nodeName=${this.node}`,
        sink: this.index,
        log: this.log,
      });
    }
    if (options.cri) {
      const criOptions = {
        client: options.cri,
        log: this.log,
        retainMs,
        ...(options.criRefreshIntervalMs !== undefined ? { minRefreshIntervalMs: options.criRefreshIntervalMs } : {}),
      };
      this.cri = new CriNames(criOptions);
    }
  }

  /**
   * Starts the pod watch and takes a first CRI snapshot, waiting at most `startTimeoutMs` for them. Never
   * throws for an unreachable API server or runtime: both keep retrying in the background, status() says how.
   */
  async start(): Promise<EnricherStatus> {
    const waits: Promise<unknown>[] = [];
    if (this.reflector) {
      this.reflector.start();
      waits.push(this.reflector.waitForSync(this.startTimeoutMs));
    }
    if (this.cri) waits.push(withTimeout(this.cri.refresh(), this.startTimeoutMs));
    await Promise.all(waits);
    // Expiry of gone pods runs on changes; on a quiet node this timer does it.
    this.pruneTimer ??= setInterval(() => this.index?.prune(), 30_000).unref();
    const status = this.status();
    this.log.info(
      { node: this.node, sources: status.sources, kubernetes: status.kubernetes?.state, cri: status.cri?.state },
      "enricher started",
    );
    return status;
  }

  async stop(): Promise<void> {
    clearInterval(this.pruneTimer);
    this.pruneTimer = undefined;
    await this.reflector?.stop();
  }

  enrich(input: EnrichInput): Enrichment {
    let parsed: ParsedCgroup | undefined;
    if (input.cgroupPath) parsed = this.parse(input.cgroupPath);
    else if (input.pid !== undefined) {
      const path = this.cgroupOfPid(input.pid);
      if (path !== undefined) parsed = this.parse(path);
    }
    const out: Enrichment = {};
    if (parsed) {
      out.cgroup = parsed.path;
      if (parsed.qos) out.qos = parsed.qos;
    }

    // The event's own container id wins over the path's, unless it is a short form of the same id.
    let containerId = parsed?.containerId;
    if (input.containerId) {
      const id = input.containerId.toLowerCase();
      if (!containerId?.startsWith(id)) containerId = id;
    }
    let container: ContainerRef | undefined;
    if (containerId) {
      container = { id: containerId };
      if (parsed?.containerId === containerId) {
        if (parsed.runtime) container.runtime = parsed.runtime;
        if (parsed.conmon) container.conmon = true;
      }
    }
    // Producers that read the uid off a systemd slice name send it with underscores.
    let podUid = input.podUid !== undefined ? input.podUid.replaceAll("_", "-") : parsed?.podUid;
    let pod: PodRef | undefined;
    let source: EnrichSource | undefined;

    if (this.index) {
      const c = container ? this.index.container(container.id) : undefined;
      if (c && container) {
        container.id = c.id;
        container.name = c.name;
        if (!container.runtime && c.runtime) container.runtime = c.runtime;
        podUid = c.podUid; // the API's uid, also for a static pod whose path has its config hash
      }
      const p = podUid !== undefined ? this.index.pod(podUid) : undefined;
      if (p) {
        pod = { uid: p.uid, namespace: p.namespace, name: p.name };
        if (p.qos) out.qos = p.qos;
        source = "kubernetes";
      }
    }

    // The runtime knows containers the API server does not show yet, and sandboxes it never shows.
    if (this.cri && ((container && container.name === undefined) || (podUid !== undefined && !pod))) {
      const c = container ? this.cri.container(container.id) : undefined;
      if (c && container) {
        container.id = c.id;
        if (c.name) container.name = c.name;
        if (c.sandbox) container.sandbox = true;
        podUid ??= c.podUid;
      }
      if (!pod && podUid !== undefined) {
        const p = this.cri.pod(podUid);
        if (p) {
          pod = { uid: p.uid, namespace: p.namespace, name: p.name };
          source = "cri";
        }
      }
      if (container && !container.runtime && this.cri.runtimeName) container.runtime = this.cri.runtimeName;
    }

    if (!pod && podUid !== undefined) pod = { uid: podUid };
    if (pod) out.pod = pod;
    if (container) out.container = container;
    if (pod || container) out.source = source ?? "path";
    return out;
  }

  /**
   * classifyOomScope against this enricher's host root, with the memory hierarchy probed once. Kills in one
   * cgroup come in bursts (a crash-looping container, a fork bomb): one reading of its memory files serves
   * the same cgroup for a second instead of re-reading them per event.
   */
  classifyOom(input: Omit<OomScopeInput, "hostRoot">): OomScopeResult {
    this.oomContext ??= { layout: detectMemcgLayout(this.hostRoot) ?? null, memTotalBytes: readMemTotalBytes(this.hostRoot) ?? null };
    if (!input.cgroupPath && !input.memcgPath) return classifyOomScope({ ...input, hostRoot: this.hostRoot }, this.oomContext);
    const key = `${input.cgroupPath ?? ""}|${input.memcgPath ?? ""}|${input.constraint ?? ""}`;
    const now = Date.now();
    const hit = this.scopes.get(key);
    if (hit && now - hit.at < 1000) return hit.result;
    const result = classifyOomScope({ ...input, hostRoot: this.hostRoot }, this.oomContext);
    this.scopes.set(key, { at: now, result });
    return result;
  }

  status(): EnricherStatus {
    const sources: EnrichSource[] = [];
    const status: EnricherStatus = {
      node: this.node,
      sources,
      caches: { cgroupPaths: this.parsed.size, pids: this.pids.size },
      procErrors: this.procErrors,
    };
    const errors: string[] = [];
    if (this.reflector && this.index) {
      const r = this.reflector;
      const k: KubernetesSourceStatus = { state: r.state, ...this.index.stats(), lists: r.lists, watches: r.watches };
      if (r.lastSyncAt !== undefined) k.lastSyncAt = new Date(r.lastSyncAt).toISOString();
      if (r.lastError !== undefined) {
        k.lastError = r.lastError;
        errors.push(`kubernetes: ${r.lastError}`);
      }
      status.kubernetes = k;
      // A cache that synced once still answers while the watch retries.
      if (r.lastSyncAt !== undefined && r.state !== "stopped") sources.push("kubernetes");
    }
    if (this.cri) {
      const c = this.cri.status();
      status.cri = c;
      if (c.lastError !== undefined) errors.push(`cri: ${c.lastError}`);
      if (c.state === "ok" || c.containers > 0) sources.push("cri");
    }
    sources.push("path");
    if (this.lastProcError !== undefined) errors.push(`proc: ${this.lastProcError}`);
    if (errors.length > 0) status.lastError = errors.join("; ");
    return status;
  }

  private parse(path: string): ParsedCgroup {
    let p = this.parsed.get(path);
    if (!p) {
      p = parseCgroupPath(path);
      this.parsed.set(path, p);
    }
    return p;
  }

  private cgroupOfPid(pid: number): string | undefined {
    const now = Date.now();
    const cached = this.pids.get(pid);
    if (cached && now - cached.at < this.pidTtlMs) return cached.path;
    let path: string | undefined;
    try {
      path = readProcCgroup(this.hostRoot, pid);
    } catch (err) {
      this.procErrors++;
      const msg = err instanceof Error ? err.message : String(err);
      if (msg !== this.lastProcError) this.log.warn({ pid, err: msg }, "reading /proc/<pid>/cgroup failed");
      this.lastProcError = msg;
    }
    // A gone process is remembered too: a burst of events about it should not stat /proc each time.
    this.pids.set(pid, { path, at: now });
    return path;
  }
}

function withTimeout(promise: Promise<unknown>, ms: number): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([promise, new Promise((resolve) => (timer = setTimeout(resolve, ms)))]).finally(() => clearTimeout(timer));
}

// Keeps the latest resource usage in memory, so no analysis or REST answer waits on metrics-server or a
// kubelet: metrics.k8s.io node and pod usage listed every `intervalMs` (default 15 s, metrics-server's own
// resolution), and PVC volume stats from the kubelet of every Ready node every `volumeIntervalMs` (default
// 60 s, with bounded concurrency and a deadline per node, since a cluster may have hundreds of kubelets).
// metrics-server being absent (404/503) is a state with a reason, not an error. A poll that fails otherwise
// keeps the previous answers while they are fresh (3 intervals), then says why there are none.
import type { V1Node } from "@kubernetes/client-node";
import { Counter, Registry } from "prom-client";
import type { KubeClient } from "./client.js";
import { readNodeVolumeStats, type NodeVolumeStats } from "./kubelet-volume-stats.js";
import type { KubeLogger } from "./logger.js";
import { reuse } from "./request-metrics.js";
import { readNodeMetrics, readPodMetrics, type MetricsResult, type NodeUsage, type PodUsage } from "./resource-metrics.js";
import type { UsageAnswer, UsageSource, VolumeUsage } from "./usage-answer.js";

export interface UsageCacheOptions {
  client: KubeClient;
  /** The nodes whose kubelets are asked for volume stats (only Ready ones are); listed from the API when absent. */
  nodes?: () => Iterable<V1Node>;
  /** metrics.k8s.io poll period. Default 15 s. */
  intervalMs?: number;
  /** Kubelet stats/summary poll period. Default 60 s. */
  volumeIntervalMs?: number;
  /** Kubelets asked at once. Default 8. */
  concurrency?: number;
  /** Deadline of one request. Default 5 s. */
  requestTimeoutMs?: number;
  registry?: Registry;
  log?: KubeLogger;
}

export type UsagePollSource = "node-metrics" | "pod-metrics" | "volume-stats";

export interface UsageSourceStatus {
  source: UsagePollSource;
  state: "pending" | "available" | "unavailable";
  /** Why there are no answers (unavailable), or the last poll's failure while older answers are kept. */
  reason?: string;
  polls: number;
}

interface Snapshot<T> {
  values: Map<string, { value: T; at: Date }>;
  /** performance.now() of the poll that produced it (local: only the poller's own freshness is measured). */
  polledAt: number;
}

interface SourceState<T> {
  snapshot: Snapshot<T> | undefined;
  /** Set when there are no answers to give: metrics-server absent, or failures past the freshness limit. */
  unavailable: string | undefined;
  lastError: string | undefined;
  polls: number;
}

const emptyState = <T>(): SourceState<T> => ({ snapshot: undefined, unavailable: undefined, lastError: undefined, polls: 0 });
const podKey = (namespace: string, name: string): string => `${namespace}/${name}`;
const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err));

export class UsageCache implements UsageSource {
  /** Resolves once every source has been polled once (whatever the outcome). */
  readonly ready: Promise<void>;
  private readonly intervalMs: number;
  private readonly volumeIntervalMs: number;
  private readonly concurrency: number;
  private readonly requestTimeoutMs: number;
  private readonly polls: Counter<"source" | "outcome">;
  private readonly nodes = emptyState<NodeUsage>();
  private readonly pods = emptyState<PodUsage>();
  private readonly volumes = emptyState<VolumeUsage>();
  private readonly abort = new AbortController();
  private loops: Promise<void>[] = [];
  private markReady!: () => void;

  constructor(private readonly options: UsageCacheOptions) {
    this.intervalMs = options.intervalMs ?? 15_000;
    this.volumeIntervalMs = options.volumeIntervalMs ?? 60_000;
    this.concurrency = Math.max(1, options.concurrency ?? 8);
    this.requestTimeoutMs = options.requestTimeoutMs ?? 5_000;
    this.ready = new Promise((resolve) => (this.markReady = resolve));
    const registry = options.registry ?? new Registry();
    this.polls = reuse(
      registry,
      "vigil_kube_usage_polls_total",
      () =>
        new Counter({
          name: "vigil_kube_usage_polls_total",
          help: "Usage polls by source (node-metrics, pod-metrics, volume-stats) and outcome (ok, partial, unavailable, error)",
          labelNames: ["source", "outcome"],
          registers: [registry],
        }),
    );
  }

  /** Starts both poll loops; resolves after the first round (answers may still be unavailable, with reasons). */
  async start(): Promise<void> {
    if (this.loops.length === 0) {
      let first = 2;
      const done = () => {
        if (--first === 0) this.markReady();
      };
      this.loops = [
        this.loop(this.intervalMs, () => this.pollMetrics(), done),
        this.loop(this.volumeIntervalMs, () => this.pollVolumes(), done),
      ];
    }
    await this.ready;
  }

  /** Stops polling (an in-flight request is aborted); answers stay as they were. */
  async stop(): Promise<void> {
    this.abort.abort();
    await Promise.all(this.loops);
  }

  node(name: string): UsageAnswer<NodeUsage> {
    return this.answer(
      this.nodes,
      "node-metrics",
      name,
      () => `metrics-server has no sample for node "${name}" (not Ready, or not scraped yet)`,
    );
  }

  pod(namespace: string, name: string): UsageAnswer<PodUsage> {
    return this.answer(
      this.pods,
      "pod-metrics",
      podKey(namespace, name),
      () => `metrics-server has no sample for pod ${namespace}/${name} (no running container, or not scraped yet)`,
    );
  }

  volume(namespace: string, claim: string): UsageAnswer<VolumeUsage> {
    return this.answer(
      this.volumes,
      "volume-stats",
      podKey(namespace, claim),
      () => `no kubelet reports volume stats for PVC ${namespace}/${claim} (not mounted by a running pod on a Ready node)`,
    );
  }

  status(): UsageSourceStatus[] {
    const one = (source: UsagePollSource, s: SourceState<unknown>): UsageSourceStatus => {
      const state = s.polls === 0 ? "pending" : s.unavailable !== undefined ? "unavailable" : "available";
      const reason = s.unavailable ?? s.lastError;
      return { source, state, polls: s.polls, ...(reason !== undefined ? { reason } : {}) };
    };
    return [one("node-metrics", this.nodes), one("pod-metrics", this.pods), one("volume-stats", this.volumes)];
  }

  private answer<T>(s: SourceState<T>, source: UsagePollSource, key: string, missing: () => string): UsageAnswer<T> {
    if (s.unavailable !== undefined) return { available: false, reason: s.unavailable };
    if (!s.snapshot) return { available: false, reason: `${source} not polled yet` };
    const hit = s.snapshot.values.get(key);
    return hit ? { available: true, value: hit.value, at: hit.at } : { available: false, reason: missing() };
  }

  private async loop(periodMs: number, poll: () => Promise<void>, polledOnce: () => void): Promise<void> {
    const signal = this.abort.signal;
    let first = true;
    while (!signal.aborted) {
      await poll();
      if (first) polledOnce();
      first = false;
      await sleep(periodMs, signal);
    }
    if (first) polledOnce();
  }

  private async pollMetrics(): Promise<void> {
    const signal = this.abort.signal;
    const opts = { signal };
    const at = this.options.client.clock.date();
    await Promise.all([
      this.record(
        this.nodes,
        "node-metrics",
        () => readNodeMetrics(this.options.client, opts),
        (n) => n.name,
        at,
      ),
      this.record(
        this.pods,
        "pod-metrics",
        () => readPodMetrics(this.options.client, opts),
        (p) => podKey(p.namespace, p.name),
        at,
      ),
    ]);
  }

  /** One metrics.k8s.io list into a source's state. */
  private async record<T extends { timestamp?: Date }>(
    s: SourceState<T>,
    source: UsagePollSource,
    read: () => Promise<MetricsResult<T>>,
    keyOf: (item: T) => string,
    polledAt: Date,
  ): Promise<void> {
    s.polls++;
    try {
      const result = await read();
      if (!result.available) {
        s.snapshot = undefined;
        s.unavailable = `metrics-server not available (HTTP ${result.status}: ${result.message})`;
        this.polls.inc({ source, outcome: "unavailable" });
        return;
      }
      const values = new Map<string, { value: T; at: Date }>();
      for (const item of result.items) values.set(keyOf(item), { value: item, at: item.timestamp ?? polledAt });
      s.snapshot = { values, polledAt: performance.now() };
      s.unavailable = undefined;
      s.lastError = undefined;
      this.polls.inc({ source, outcome: "ok" });
    } catch (err) {
      if (this.abort.signal.aborted) return;
      this.failed(s, source, this.intervalMs, errorText(err));
    }
  }

  private failed(s: SourceState<unknown>, source: UsagePollSource, periodMs: number, message: string): void {
    s.lastError = message;
    // Answers a few periods old still describe the cluster well enough; older ones would mislead.
    if (!s.snapshot || performance.now() - s.snapshot.polledAt > 3 * periodMs) {
      s.snapshot = undefined;
      s.unavailable = `${source} poll failing: ${message}`;
    }
    this.polls.inc({ source, outcome: "error" });
    this.options.log?.warn({ source, err: message }, "usage poll failed");
  }

  private async pollVolumes(): Promise<void> {
    const s = this.volumes;
    const signal = this.abort.signal;
    s.polls++;
    let names: string[];
    try {
      names = (await this.readyNodes(signal)).map((n) => n.metadata?.name ?? "").filter(Boolean);
    } catch (err) {
      if (!signal.aborted) this.failed(s, "volume-stats", this.volumeIntervalMs, `listing nodes: ${errorText(err)}`);
      return;
    }
    const results: NodeVolumeStats[] = [];
    const errors: string[] = [];
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < names.length && !signal.aborted) {
        const node = names[next++]!;
        try {
          results.push(await readNodeVolumeStats(this.options.client, node, { signal, timeoutMs: this.requestTimeoutMs }));
        } catch (err) {
          errors.push(`${node}: ${errorText(err)}`);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, names.length) }, worker));
    if (signal.aborted) return;
    if (names.length > 0 && results.length === 0) {
      this.failed(s, "volume-stats", this.volumeIntervalMs, `every kubelet failed: ${errors.slice(0, 3).join("; ")}`);
      return;
    }
    const polledAt = this.options.client.clock.date();
    const values = new Map<string, { value: VolumeUsage; at: Date }>();
    // A claim mounted on two nodes (ReadWriteMany) is reported twice with one filesystem: keep one.
    for (const r of results)
      for (const v of r.volumes) values.set(podKey(v.usage.namespace, v.usage.claim), { value: v.usage, at: v.at ?? polledAt });
    s.snapshot = { values, polledAt: performance.now() };
    s.unavailable = undefined;
    s.lastError = errors.length > 0 ? `${errors.length} kubelet(s) failed: ${errors.slice(0, 3).join("; ")}` : undefined;
    this.polls.inc({ source: "volume-stats", outcome: errors.length > 0 ? "partial" : "ok" });
  }

  private async readyNodes(signal: AbortSignal): Promise<V1Node[]> {
    const nodes = this.options.nodes
      ? [...this.options.nodes()]
      : (await this.options.client.list("Node", { signal, timeoutMs: this.requestTimeoutMs })).items;
    return nodes.filter((n) => n.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True"));
  }
}

/** Waits `ms`, or less when the signal aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    timer.unref?.();
    signal.addEventListener("abort", done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
  });
}

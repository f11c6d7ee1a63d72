import { join } from "node:path";
import type { PodsSampleMessage } from "@vigil/contracts";
import { CriCallError, type CriCall, type CriClient } from "./client.js";
import { CounterRates } from "./counter-rate.js";
import { CONTAINER_RATES, joinPods, POD_RATES } from "./join.js";
import { PodPressureReader } from "./pod-pressure.js";

/** A pods sample without the envelope (id, correlationId) the publishing service adds. */
export type PodsSample = Omit<PodsSampleMessage, "id" | "correlationId">;

/** Something that failed during a sample: a runtime call, or reading a pod's cgroup files ("cgroup"). */
export interface SampleError {
  call: CriCall | "cgroup";
  /** gRPC status name (UNAVAILABLE, DEADLINE_EXCEEDED, INTERNAL...), BACKOFF, or an errno code for cgroup. */
  code: string;
  message: string;
}

export interface PodsSampleResult {
  sample: PodsSample;
  /** The same failures as sample.errors, structured, for counters (by call and code). */
  errors: SampleError[];
}

export interface PodSamplerOptions {
  client: CriClient;
  node: string;
  /** Where the host's / is mounted; pod cgroups are read under <hostRoot>/sys/fs/cgroup. Default "/". */
  hostRoot?: string;
  /** Read per-pod PSI from the cgroup tree. Default true. */
  psi?: boolean;
  /** Wall clock in epoch ms, for `ts`. */
  now?: () => number;
  /** Monotonic ns, for the PSI totalRate. */
  clock?: () => bigint;
}

/**
 * Samples every ready pod and its containers through CRI. A failing call never fails the sample: what
 * the other calls returned is still joined, and the failure is recorded in `errors`. Rates (CPU from the
 * cumulative counter, network, PSI totals) need two samples, so the first sample of a container has none
 * unless the runtime reports usage_nano_cores itself.
 */
export class PodSampler {
  private readonly client: CriClient;
  private readonly node: string;
  private readonly now: () => number;
  private readonly rates = new CounterRates();
  private readonly pressure: PodPressureReader | undefined;
  private runtime: { name: string; generation: number } | undefined;
  private inflight: Promise<PodsSampleResult> | undefined;

  constructor(options: PodSamplerOptions) {
    this.client = options.client;
    this.node = options.node;
    this.now = options.now ?? Date.now;
    if (options.psi !== false) {
      const cgroupRoot = join(options.hostRoot ?? "/", "sys/fs/cgroup");
      this.pressure = new PodPressureReader({ cgroupRoot, ...(options.clock ? { clock: options.clock } : {}) });
    }
  }

  /** One sample; a call while one is running joins it instead of doubling the load on a slow runtime. */
  sample(): Promise<PodsSampleResult> {
    this.inflight ??= this.take().finally(() => (this.inflight = undefined));
    return this.inflight;
  }

  private async take(): Promise<PodsSampleResult> {
    const nowMs = this.now();
    const errors: SampleError[] = [];
    const attempt = async <T>(call: CriCall, fn: () => Promise<T>): Promise<T | undefined> => {
      try {
        return await fn();
      } catch (err) {
        errors.push(
          err instanceof CriCallError ? { call, code: err.code, message: err.detail } : { call, code: "UNKNOWN", message: String(err) },
        );
        return undefined;
      }
    };

    const sandboxes = await attempt("ListPodSandbox", () => this.client.listPodSandbox());
    let pods: PodsSample["pods"] = [];
    if (sandboxes) {
      const [containers, containerStats, sandboxStats] = await Promise.all([
        attempt("ListContainers", () => this.client.listContainers()),
        attempt("ListContainerStats", () => this.client.listContainerStats()),
        attempt("ListPodSandboxStats", () => this.client.listPodSandboxStats()),
        this.refreshVersion(attempt),
      ]);
      const nowNs = BigInt(nowMs) * 1_000_000n;
      pods = joinPods({ sandboxes, containers, containerStats, sandboxStats }, this.rates, nowNs);
      // Forget counters of containers and pods that are gone, but only when the list that would show them came back.
      if (containerStats) this.rates.sweep(CONTAINER_RATES);
      if (sandboxStats) this.rates.sweep(POD_RATES);
      if (this.pressure) this.readPressure(pods, errors);
    }
    const sample: PodsSample = {
      node: this.node,
      ts: new Date(nowMs).toISOString(),
      ...(this.runtime ? { runtime: this.runtime.name } : {}),
      pods,
      errors: errors.map((e) => `${e.call}: ${e.code}: ${e.message}`),
    };
    return { sample, errors };
  }

  /** Version once per channel: a replaced channel may reach a restarted, upgraded runtime. */
  private async refreshVersion(attempt: <T>(call: CriCall, fn: () => Promise<T>) => Promise<T | undefined>): Promise<void> {
    const generation = this.client.connection.generation;
    if (this.runtime?.generation === generation) return;
    const v = await attempt("Version", () => this.client.version());
    if (v) this.runtime = { name: `${v.runtime_name} ${v.runtime_version}`.trim(), generation };
  }

  private readPressure(pods: PodsSample["pods"], errors: SampleError[]): void {
    const reader = this.pressure;
    if (!reader) return;
    const results = pods.map((p) => reader.read(p.uid));
    results.forEach((r, i) => {
      const pod = pods[i];
      if (pod && r.psi) pod.psi = r.psi;
    });
    // One error per sample is enough to tell a permission problem; all pods would repeat it.
    const failed = results.find((r) => r.error)?.error;
    if (failed) errors.push({ call: "cgroup", ...failed });
    reader.sweep();
  }
}

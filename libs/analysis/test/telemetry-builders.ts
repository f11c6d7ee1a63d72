// Messages as the collector and ebpf-ingest publish them (libs/contracts metrics.ts, kernel-event.ts, and the
// `data` fields ebpf-ingest sets), for the telemetry, kernel analyzer and pressure view tests. Every builder
// parses through the contract schema, so a test cannot feed what a producer could not send.
import {
  type KernelEventMessage,
  kernelEventMessage,
  type NodeSampleMessage,
  nodeSampleMessage,
  type PodsSampleMessage,
  podsSampleMessage,
} from "@vigil/contracts";

const GiB = 1024 ** 3;
let seq = 0;
const nextId = (prefix: string) => `${prefix}_${++seq}`;
const iso = (ms: number) => new Date(ms).toISOString();

export interface NodeSampleSpec {
  node: string;
  at: number;
  memTotal?: number;
  memAvailable?: number;
  swapTotal?: number;
  swapUsed?: number;
  /** psi.memory.some/full avg10, avg60, avg300 (percent). */
  psiSome?: [number, number, number];
  psiFull?: [number, number, number];
  /** /proc/vmstat rates (pages/s). */
  pswpin?: number;
  pswpout?: number;
}

export function nodeSample(s: NodeSampleSpec): NodeSampleMessage {
  const id = nextId(`node_${s.node}`);
  const memTotal = s.memTotal ?? 16 * GiB;
  const swapTotal = s.swapTotal ?? 0;
  const [s10, s60, s300] = s.psiSome ?? [0, 0, 0];
  const [f10, f60, f300] = s.psiFull ?? [0, 0, 0];
  return nodeSampleMessage.parse({
    id,
    correlationId: id,
    node: s.node,
    ts: iso(s.at),
    intervalMs: 1000,
    memory: {
      MemTotal: memTotal,
      MemAvailable: s.memAvailable ?? memTotal / 2,
      SwapTotal: swapTotal,
      SwapFree: Math.max(0, swapTotal - (s.swapUsed ?? 0)),
    },
    vmstat: { pswpin: s.pswpin ?? 0, pswpout: s.pswpout ?? 0 },
    psi: {
      memory: { some: { avg10: s10, avg60: s60, avg300: s300 }, full: { avg10: f10, avg60: f60, avg300: f300 } },
    },
  });
}

export interface PodsSampleSpec {
  node: string;
  at: number;
  pods: Array<{ uid: string; namespace: string; name: string; containers: Array<{ name: string; id?: string; attempt?: number }> }>;
}

export function podsSample(s: PodsSampleSpec): PodsSampleMessage {
  const id = nextId(`pods_${s.node}`);
  return podsSampleMessage.parse({
    id,
    correlationId: id,
    node: s.node,
    ts: iso(s.at),
    pods: s.pods.map((p) => ({
      ...p,
      containers: p.containers.map((c, i) => ({ id: c.id ?? `${p.uid}-${i}`, state: "running", ...c })),
    })),
  });
}

export interface OomSpec {
  node: string;
  at: number;
  scope: "container" | "node";
  pod?: { uid?: string; namespace?: string; name?: string };
  container?: { id: string; name?: string };
  pid?: number;
  comm?: string;
  anonRssKb?: number;
  id?: string;
}

/** An oom_kill as ebpf-ingest publishes it: the victim in pid/comm, scope and its reason in data. */
export function oomKill(s: OomSpec): KernelEventMessage {
  const id = s.id ?? nextId("kev_oom");
  return kernelEventMessage.parse({
    id,
    correlationId: id,
    node: s.node,
    type: "oom_kill",
    observedAt: iso(s.at),
    source: "bpftrace",
    pid: s.pid ?? 4242,
    comm: s.comm ?? "java",
    ...(s.pod ? { pod: s.pod } : {}),
    ...(s.container ? { container: { runtime: "containerd", ...s.container } } : {}),
    data: {
      scope: s.scope,
      scopeReason: s.scope === "container" ? "memcg limit 256Mi hit (memory.max)" : "global OOM: no memcg limit was hit",
      anonRssKb: s.anonRssKb ?? 262_144,
      ...(s.scope === "container" ? { constraint: "memcg" } : { constraint: "none" }),
    },
  });
}

/** A swap_fault_latency histogram (Konverse's swaphist): buckets [2^k, 2^(k+1)-1] µs with counts. */
export function swapFaultLatency(s: {
  node: string;
  at: number;
  buckets: Array<[startUs: number, count: number]>;
  intervalS?: number;
}): KernelEventMessage {
  const id = nextId("kev_swap");
  return kernelEventMessage.parse({
    id,
    correlationId: id,
    node: s.node,
    type: "swap_fault_latency",
    observedAt: iso(s.at),
    source: "bpftrace",
    data: {
      latencyDistributionUs: s.buckets.map(([start, count]) => ({ rangeStartUs: start, rangeEndUs: start * 2 - 1, count })),
      intervalS: s.intervalS ?? 5,
    },
  });
}

export { GiB };

// Before vs after, scoped to the owner's pods only (Kubernaut queried whole namespaces): memory working set against
// its limit, the restart rate, CPU pressure (a cgroup's cpu.pressure includes the time it was throttled) and memory
// pressure. "Before" is the window before the action; "after" is the settled window after it, never one that has not
// ended yet. Each metric is lower-is-better and scored as Kubernaut's EM did, clamp((pre − post) / pre, 0, 1), except
// that a metric healthy after the action scores 1 (already fine and still fine is not "no improvement"), and one that
// went from healthy to unhealthy scores 0. The component is the mean of the metrics that had data.
import type { PodsSampleMessage } from "@vigil/contracts";
import type { AssessmentContext, TimeWindow } from "../assessment-context.js";
import { defineComponent, type ComponentResult } from "../component-definition.js";
import { podBelongsTo } from "../owner-scope.js";
import type { PodSnapshot } from "../target-snapshot.js";

/** What counts as healthy after the action, per metric, and why. */
export const metricThresholds = {
  /** Working set / limit: the kubelet and the kernel start reclaiming hard above ~80%, OOM kills follow near 100%. */
  memoryOfLimit: 0.8,
  /** Restarts per minute: any restart in the settled window means the containers are not stable. */
  restartsPerMinute: 0,
  /** Pod cgroup cpu.pressure some avg60 (%): a fifth of the time stalled on CPU is a throttled or starved pod. */
  cpuPressurePct: 20,
  /** Pod cgroup memory.pressure some avg60 (%): the node-level warning of memoryThresholds.psi.someAvg60Warning. */
  memoryPressurePct: 10,
} as const;

interface Metric {
  name: keyof typeof metricThresholds;
  before: number | undefined;
  after: number | undefined;
  /** How the figures are written in the explanation. */
  format: (v: number) => string;
  label: string;
  sources: string[];
}

interface ScoredMetric {
  value: number | null;
  text: string;
}

const pct = (v: number): string => `${(v * 100).toFixed(0)}%`;
const minutes = (w: TimeWindow): number => (w.to - w.from) / 60_000;
const within = (t: number, w: TimeWindow): boolean => t >= w.from && t <= w.to;
const maxOf = (xs: number[]): number | undefined => (xs.length > 0 ? Math.max(...xs) : undefined);
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Lower is better: healthy after → 1; healthy before and not after → 0; else the relative improvement. */
export function scoreLowerIsBetter(before: number | undefined, after: number | undefined, healthy: number): number | null {
  if (after === undefined) return null;
  if (after <= healthy) return 1;
  if (before === undefined || before <= healthy) return 0;
  return Math.min(1, Math.max(0, (before - after) / Math.abs(before)));
}

function scoreMetric(m: Metric): ScoredMetric {
  const healthy = metricThresholds[m.name];
  const value = scoreLowerIsBetter(m.before, m.after, healthy);
  const b = m.before === undefined ? "no data" : m.format(m.before);
  const a = m.after === undefined ? "no data" : m.format(m.after);
  if (value === null) return { value, text: `${m.label}: no data after the action (before: ${b}).` };
  let verdict: string;
  if (m.after! <= healthy) verdict = m.before !== undefined && m.before > healthy ? "back to healthy" : "healthy before and after";
  else if (m.before === undefined) verdict = "unhealthy after, nothing before to compare";
  else if (m.before <= healthy) verdict = "was healthy, now worse";
  else verdict = value > 0 ? "improved, still above healthy" : "no better";
  return { value, text: `${m.label} ${b} → ${a} (healthy ≤ ${m.format(healthy)}): ${verdict}.` };
}

/** The owner's pods in the collector's samples of its nodes, per window. */
function ownerPodSamples(ctx: AssessmentContext, window: TimeWindow): Array<{ ts: number; pod: PodsSampleMessage["pods"][number] }> {
  const { owner } = ctx.subject;
  const known = new Set([...ctx.baseline.pods, ...ctx.current.pods].map((p) => p.uid));
  const nodes = new Set<string>();
  for (const p of [...ctx.baseline.pods, ...ctx.current.pods]) if (p.node) nodes.add(p.node);
  if (owner.kind === "Node") nodes.add(owner.name);
  const out: Array<{ ts: number; pod: PodsSampleMessage["pods"][number] }> = [];
  for (const node of nodes) {
    for (const sample of ctx.telemetry.podSamples(node, window.from)) {
      const ts = Date.parse(sample.ts);
      if (!within(ts, window)) continue;
      for (const pod of sample.pods) {
        if (known.has(pod.uid) || podBelongsTo(ctx.cluster, pod, owner)) out.push({ ts, pod });
      }
    }
  }
  return out;
}

type Samples = ReturnType<typeof ownerPodSamples>;

/** The highest working set / limit of any container, from metrics.k8s.io (snapshot) and the collector's samples. */
function memoryOfLimit(pods: PodSnapshot[], samples: Samples): number | undefined {
  const limits = new Map<string, number>();
  const ratios: number[] = [];
  for (const p of pods) {
    for (const c of p.containers) {
      if (!c.memoryLimitBytes) continue;
      limits.set(`${p.uid}/${c.name}`, c.memoryLimitBytes);
      if (c.memoryWorkingSetBytes !== undefined) ratios.push(c.memoryWorkingSetBytes / c.memoryLimitBytes);
    }
  }
  for (const { pod } of samples) {
    for (const c of pod.containers) {
      const limit = limits.get(`${pod.uid}/${c.name}`);
      if (limit && c.memoryWorkingSetBytes !== undefined) ratios.push(c.memoryWorkingSetBytes / limit);
    }
  }
  return maxOf(ratios);
}

/** Restarts per minute from the CRI attempt counter: per container, its growth over the span it was sampled. */
function restartRateFromSamples(samples: Samples): number | undefined {
  const seen = new Map<string, { first: number; last: number; min: number; max: number }>();
  for (const { ts, pod } of samples) {
    for (const c of pod.containers) {
      if (c.attempt === undefined) continue;
      const key = `${pod.uid}/${c.name}`;
      const s = seen.get(key);
      if (!s) seen.set(key, { first: ts, last: ts, min: c.attempt, max: c.attempt });
      else
        Object.assign(s, {
          first: Math.min(s.first, ts),
          last: Math.max(s.last, ts),
          min: Math.min(s.min, c.attempt),
          max: Math.max(s.max, c.attempt),
        });
    }
  }
  const rates = [...seen.values()].filter((s) => s.last > s.first).map((s) => (s.max - s.min) / ((s.last - s.first) / 60_000));
  return rates.length > 0 ? rates.reduce((a, b) => a + b, 0) : undefined;
}

/** Before the action, without samples: restarts over each pod's lifetime up to the baseline. */
function restartRateFromBaseline(ctx: AssessmentContext): number | undefined {
  const at = Date.parse(ctx.baseline.at);
  const rates: number[] = [];
  for (const p of ctx.baseline.pods) {
    const created = p.createdAt ? Date.parse(p.createdAt) : NaN;
    if (!Number.isFinite(created) || at <= created) continue;
    rates.push(p.containers.reduce((n, c) => n + c.restarts, 0) / ((at - created) / 60_000));
  }
  return rates.length > 0 ? rates.reduce((a, b) => a + b, 0) : undefined;
}

/**
 * After the action, from the two snapshots: the restarts of each current container since the baseline (all of them
 * for a pod created since). Restarts whose last one finished before the settled window began do not count: they
 * happened while the action settled, and stopped.
 */
function restartRateFromSnapshots(ctx: AssessmentContext): number | undefined {
  if (ctx.current.pods.length === 0) return undefined;
  const before = new Map<string, number>();
  for (const p of ctx.baseline.pods) for (const c of p.containers) before.set(`${p.uid}/${c.name}`, c.restarts);
  let restarts = 0;
  for (const p of ctx.current.pods) {
    for (const c of p.containers) {
      const delta = c.restarts - (before.get(`${p.uid}/${c.name}`) ?? 0);
      const last = c.lastTerminatedAt ? Date.parse(c.lastTerminatedAt) : NaN;
      if (delta > 0 && !(Number.isFinite(last) && last < ctx.windows.after.from)) restarts += delta;
    }
  }
  const span = minutes(ctx.windows.after) || (Date.parse(ctx.current.at) - Date.parse(ctx.baseline.at)) / 60_000;
  return span > 0 ? restarts / span : undefined;
}

/** The highest per-pod mean of a pod-cgroup pressure (some avg60, %) over the window. */
function podPressure(samples: Samples, resource: "cpu" | "memory"): number | undefined {
  const perPod = new Map<string, number[]>();
  for (const { pod } of samples) {
    const v = pod.psi?.[resource]?.some.avg60;
    if (v === undefined) continue;
    const list = perPod.get(pod.uid) ?? [];
    list.push(v);
    perPod.set(pod.uid, list);
  }
  return maxOf([...perPod.values()].map(mean));
}

function metricsOf(ctx: AssessmentContext): Metric[] {
  const before = ownerPodSamples(ctx, ctx.windows.before);
  const after = ownerPodSamples(ctx, ctx.windows.after);
  const collector = (s: Samples): string[] => (s.length > 0 ? ["collector pod samples"] : []);
  const restartsBefore = restartRateFromSamples(before) ?? restartRateFromBaseline(ctx);
  const restartsAfter = restartRateFromSamples(after) ?? restartRateFromSnapshots(ctx);
  const perMinute = (v: number): string => `${v.toFixed(2)}/min`;
  const percent = (v: number): string => `${v.toFixed(1)}%`;
  return [
    {
      name: "memoryOfLimit",
      label: "Memory working set of limit",
      before: memoryOfLimit(ctx.baseline.pods, before),
      after: memoryOfLimit(ctx.current.pods, after),
      format: pct,
      sources: ["metrics.k8s.io", ...collector(before)],
    },
    {
      name: "restartsPerMinute",
      label: "Restarts",
      before: restartsBefore,
      after: restartsAfter,
      format: perMinute,
      sources: ["pod restart counts", ...collector(before)],
    },
    {
      name: "cpuPressurePct",
      label: "CPU pressure (throttling)",
      before: podPressure(before, "cpu"),
      after: podPressure(after, "cpu"),
      format: percent,
      sources: collector(before),
    },
    {
      name: "memoryPressurePct",
      label: "Memory pressure",
      before: podPressure(before, "memory"),
      after: podPressure(after, "memory"),
      format: percent,
      sources: collector(before),
    },
  ];
}

export function assessMetrics(ctx: AssessmentContext): ComponentResult {
  const metrics = metricsOf(ctx);
  const scored = metrics.map((m) => ({ metric: m, ...scoreMetric(m) }));
  const withData = scored.filter((s) => s.value !== null);
  const evidence = {
    owner: ctx.subject.owner,
    windows: ctx.windows,
    metrics: Object.fromEntries(
      scored.map((s) => [
        s.metric.name,
        { before: s.metric.before ?? null, after: s.metric.after ?? null, value: s.value, sources: s.metric.sources },
      ]),
    ),
  };
  if (withData.length === 0) {
    return {
      value: null,
      explanation: "No metric of the owner's pods had data after the action (no metrics.k8s.io usage, no collector samples, no pods).",
      evidence,
    };
  }
  const without = scored.filter((s) => s.value === null).map((s) => s.metric.label);
  return {
    value: mean(withData.map((s) => s.value!)),
    explanation: [...withData.map((s) => s.text), ...(without.length > 0 ? [`No data after the action: ${without.join(", ")}.`] : [])].join(
      " ",
    ),
    evidence,
  };
}

export const metrics = defineComponent({
  name: "metrics",
  weight: 0.15,
  description:
    "Before vs after, scoped to the owner's pods: memory working set of limit, restart rate, CPU pressure (throttling) and memory " +
    "pressure, from metrics.k8s.io, pod restart counts and the collector's pod samples; the mean of the metrics that had data.",
  assess: assessMetrics,
});

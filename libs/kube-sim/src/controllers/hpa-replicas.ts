// The HPA's replica calculator for resource metrics (pkg/controller/podautoscaler/replica_calculator.go): group the
// target's pods into ready, unready, missing and ignored, compute the usage ratio against the target, and
// re-run it conservatively (unready pods at 0 on scale-up, missing pods at 0 or 100%) before proposing a count.
import { bytes, cpuMillis } from "../quantity.js";
import type { Pod } from "../types.js";

/** --horizontal-pod-autoscaler-tolerance, -cpu-initialization-period, -initial-readiness-delay. */
export const TOLERANCE = 0.1;
const CPU_INITIALIZATION_MS = 5 * 60_000;
const INITIAL_READINESS_DELAY_MS = 30_000;
/** metrics-server's window (MetricsWindow): a sample covers this much time before its timestamp. */
export const METRIC_WINDOW_MS = 10_262;

export type ResourceName = "cpu" | "memory";
export type Target = { averageUtilization: number } | { averageValue: number };

export interface ReplicaInput {
  currentReplicas: number;
  pods: Pod[];
  /** Pod name → usage in milli-units (millicores, or bytes × 1000), for the pods metrics-server reports. */
  metrics: Map<string, number>;
  resource: ResourceName;
  container?: string;
  /** Utilization in percent, or an average value in milli-units. */
  target: Target;
  now: number;
}

export interface ReplicaProposal {
  replicas: number;
  utilization?: number;
  /** Average usage per pod, milli-units. */
  rawAverage: number;
}

const ms = (t: string | undefined): number | undefined => (t ? Date.parse(t) : undefined);

/** groupPods: pending, failed and deleted pods are ignored; cpu samples of pods still starting count as unready. */
const groupPods = (input: ReplicaInput) => {
  const unready = new Set<string>();
  const missing = new Set<string>();
  const ignored = new Set<string>();
  let ready = 0;
  for (const pod of input.pods) {
    const name = pod.metadata.name!;
    const phase = pod.status?.phase ?? "Pending";
    if (pod.metadata.deletionTimestamp || phase === "Failed" || phase === "Pending") {
      ignored.add(name);
      continue;
    }
    if (!input.metrics.has(name)) {
      missing.add(name);
      continue;
    }
    if (input.resource === "cpu") {
      const cond = pod.status?.conditions?.find((c) => c.type === "Ready");
      const start = ms(pod.status?.startTime);
      let isUnready: boolean;
      if (!cond || start === undefined) isUnready = true;
      else {
        const transition = ms(cond.lastTransitionTime) ?? 0;
        if (start + CPU_INITIALIZATION_MS > input.now) {
          // Still initialising: ignore the sample if unready or if it was (partly) taken before the pod got ready.
          isUnready = cond.status === "False" || input.now < transition + METRIC_WINDOW_MS;
        } else {
          isUnready = cond.status === "False" && start + INITIAL_READINESS_DELAY_MS > transition;
        }
      }
      if (isUnready) {
        unready.add(name);
        continue;
      }
    }
    ready++;
  }
  return { ready, unready, missing, ignored };
};

const milliRequest = (q: string, resource: ResourceName): number => (resource === "cpu" ? cpuMillis(q) : bytes(q) * 1000);

/** calculatePodRequests: every selected pod's containers must request the resource. */
const podRequests = (input: ReplicaInput): Map<string, number> => {
  const out = new Map<string, number>();
  for (const pod of input.pods) {
    let sum = 0;
    for (const c of pod.spec.containers) {
      if (input.container && c.name !== input.container) continue;
      const q = c.resources?.requests?.[input.resource];
      if (q === undefined) throw new Error(`missing request for ${input.resource} in container ${c.name} of Pod ${pod.metadata.name}`);
      sum += milliRequest(q, input.resource);
    }
    out.set(pod.metadata.name!, sum);
  }
  return out;
};

interface Ratio {
  ratio: number;
  utilization?: number;
  rawAverage: number;
}

/** GetResourceReplicas (utilization targets) and GetRawResourceReplicas (average value targets). */
export const resourceReplicas = (input: ReplicaInput): ReplicaProposal => {
  if (input.metrics.size === 0)
    throw new Error(`unable to get metrics for resource ${input.resource}: no metrics returned from resource metrics API`);
  if (input.pods.length === 0) throw new Error("no pods returned by selector while calculating replica count");
  const groups = groupPods(input);
  const metrics = new Map([...input.metrics].filter(([name]) => !groups.ignored.has(name) && !groups.unready.has(name)));
  const target = input.target;
  let ratioOf: (m: Map<string, number>) => Ratio;
  let fallback: number | ((name: string) => number);
  if ("averageUtilization" in target) {
    const requests = podRequests(input);
    if (metrics.size === 0) throw new Error("did not receive metrics for targeted pods (pods might be unready)");
    ratioOf = (m) => {
      let total = 0;
      let requested = 0;
      let n = 0;
      for (const [name, v] of m) {
        const r = requests.get(name);
        if (r === undefined) continue;
        total += v;
        requested += r;
        n++;
      }
      if (requested === 0) throw new Error("no metrics returned matched known pods");
      const utilization = Math.trunc((total * 100) / requested);
      return { ratio: utilization / target.averageUtilization, utilization, rawAverage: Math.trunc(total / n) };
    };
    // On a scale-down a missing pod counts as using all it requested (or the target, if that is above 100%).
    fallback = (name) => Math.trunc(((requests.get(name) ?? 0) * Math.max(100, target.averageUtilization)) / 100);
  } else {
    if (metrics.size === 0) throw new Error("did not receive metrics for targeted pods (pods might be unready)");
    ratioOf = (m) => {
      const avg = Math.trunc([...m.values()].reduce((a, b) => a + b, 0) / m.size);
      return { ratio: avg / target.averageValue, rawAverage: avg };
    };
    fallback = target.averageValue;
  }

  const first = ratioOf(metrics);
  const proposal = (replicas: number): ReplicaProposal => ({
    replicas,
    ...(first.utilization !== undefined ? { utilization: first.utilization } : {}),
    rawAverage: first.rawAverage,
  });
  const scaleUpWithUnready = groups.unready.size > 0 && first.ratio > 1;
  if (!scaleUpWithUnready && groups.missing.size === 0) {
    if (Math.abs(1 - first.ratio) <= TOLERANCE) return proposal(input.currentReplicas);
    return proposal(Math.ceil(first.ratio * groups.ready));
  }
  if (first.ratio < 1) for (const name of groups.missing) metrics.set(name, typeof fallback === "number" ? fallback : fallback(name));
  else if (first.ratio > 1) for (const name of groups.missing) metrics.set(name, 0);
  if (scaleUpWithUnready) for (const name of groups.unready) metrics.set(name, 0);

  const next = ratioOf(metrics).ratio;
  if (Math.abs(1 - next) <= TOLERANCE || (first.ratio < 1 && next > 1) || (first.ratio > 1 && next < 1))
    return proposal(input.currentReplicas);
  const replicas = Math.ceil(next * metrics.size);
  if ((next < 1 && replicas > input.currentReplicas) || (next > 1 && replicas < input.currentReplicas))
    return proposal(input.currentReplicas);
  return proposal(replicas);
};

// The kubelet's side of graceful deletion (killPod → killContainer): when it sees a pod with a deletionTimestamp it
// records Killing ("Stopping container <name>") for each running container, runs its preStop hook, sends SIGTERM,
// and kills what is still running when the grace period ends (exit 137). Once every container has stopped it
// posts the pod's terminal status and confirms the deletion with a delete of grace period 0, which removes the pod.
import type { Cluster } from "../cluster.js";
import { R } from "../api/resources.js";
import { PREFIX } from "../behaviour/vocabulary.js";
import type { Container, Pod } from "../types.js";
import { buildPodStatus, type Addresses } from "./pod-status.js";
import type { ContainerRuntime, PodRuntime } from "./runtime.js";

/** kuberuntime minimumGracePeriodInSeconds: a container always gets this long after SIGTERM. */
const MINIMUM_GRACE_MS = 2000;
/** How long an app takes to exit after SIGTERM, unless `sim.vigil.dev/shutdown-seconds` says otherwise. */
const DEFAULT_SHUTDOWN_SECONDS = 0;

interface ContainerStop {
  /** When the app exits by itself (after its preStop hook and its own shutdown). */
  exitAt: number;
  /** When the kubelet kills it (grace period over). */
  killAt: number;
}

export interface Termination {
  stops: Map<string, ContainerStop>;
  gracePeriodSeconds: number;
  /** The deletion has been confirmed (the pod may still exist, held by finalizers). */
  confirmed: boolean;
}

const shutdownSeconds = (pod: Pod, container: string): number => {
  const a = pod.metadata.annotations ?? {};
  const v = Number(a[`${PREFIX}shutdown-seconds.${container}`] ?? a[`${PREFIX}shutdown-seconds`] ?? DEFAULT_SHUTDOWN_SECONDS);
  return Number.isFinite(v) && v >= 0 ? v : DEFAULT_SHUTDOWN_SECONDS;
};

/** How long the preStop hook runs: a sleep action its seconds, an exec that sleeps that long; httpGet answers at once. */
const preStopSeconds = (spec: Container): number => {
  const hook = spec.lifecycle?.preStop as { sleep?: { seconds?: number }; exec?: { command?: string[] } } | undefined;
  if (!hook) return 0;
  if (hook.sleep) return Math.max(0, Number(hook.sleep.seconds ?? 0));
  const m = /\bsleep\s+(\d+(?:\.\d+)?)/.exec((hook.exec?.command ?? []).join(" "));
  return m ? Number(m[1]) : 0;
};

/** killContainer's timing: the hook runs within the grace period, then the container gets what is left (at least 2 s). */
const planStop = (pod: Pod, spec: Container, start: number, graceMs: number): ContainerStop => {
  const hookEnd = start + Math.min(preStopSeconds(spec) * 1000, graceMs);
  const killAt = hookEnd + Math.max(MINIMUM_GRACE_MS, graceMs - (hookEnd - start));
  return { exitAt: hookEnd + shutdownSeconds(pod, spec.name) * 1000, killAt };
};

const specsOf = (pod: Pod): Container[] => [...(pod.spec.initContainers ?? []), ...pod.spec.containers];

const emitKilling = (cluster: Cluster, pod: Pod, c: ContainerRuntime, nodeName: string): void => {
  try {
    cluster.events.record(pod, "Killing", `Stopping container ${c.name}`, {
      source: { component: "kubelet", host: nodeName },
      fieldPath: `spec.${c.init ? "initContainers" : "containers"}{${c.name}}`,
    });
  } catch {
    // events are best effort
  }
};

/** Starts (or, when the grace period was shortened, re-plans) the pod's termination. */
const plan = (cluster: Cluster, pod: Pod, rt: PodRuntime, nodeName: string, now: number): Termination => {
  const grace = Number(pod.metadata.deletionGracePeriodSeconds ?? 30);
  const current = rt.termination;
  if (current && current.gracePeriodSeconds <= grace) return current;
  const stops = new Map<string, ContainerStop>();
  for (const spec of specsOf(pod)) {
    const c = rt.containers.get(spec.name);
    if (c?.stage !== "running") continue;
    const fresh = planStop(pod, spec, now, grace * 1000);
    const before = current?.stops.get(spec.name);
    stops.set(spec.name, before ? { exitAt: before.exitAt, killAt: Math.min(before.killAt, fresh.killAt) } : fresh);
    if (!current) emitKilling(cluster, pod, c, nodeName);
  }
  const t: Termination = { stops, gracePeriodSeconds: grace, confirmed: false };
  rt.termination = t;
  return t;
};

/** Stops what is due by now; returns the time of the next stop, or undefined once every container has stopped. */
const stopDue = (rt: PodRuntime, t: Termination, now: number): number | undefined => {
  let next: number | undefined;
  for (const [name, stop] of t.stops) {
    const c = rt.containers.get(name);
    if (c?.stage !== "running" || !c.current) continue;
    const at = Math.min(stop.exitAt, stop.killAt);
    if (at > now) {
      next = next === undefined ? at : Math.min(next, at);
      continue;
    }
    const killed = stop.killAt < stop.exitAt;
    Object.assign(c.current, {
      finishedAt: at,
      exitCode: killed ? 137 : 0,
      reason: killed ? "Error" : "Completed",
      cause: "killed",
      lastWords: [],
    });
    c.stage = "terminated";
    c.since = at;
    c.nextProbeAt = Infinity;
  }
  // Containers that never ran (waiting, backing off) simply stop being retried.
  for (const c of rt.containers.values()) if (c.stage === "exited" || c.stage === "crash-backoff") c.stage = "terminated";
  return next;
};

/**
 * One kubelet sync of a pod being deleted. Returns when it next needs a look (Infinity when nothing is left to do).
 */
export const syncTerminatingPod = (cluster: Cluster, pod: Pod, rt: PodRuntime, nodeName: string, addr: Addresses, now: number): number => {
  const t = plan(cluster, pod, rt, nodeName, now);
  if (t.confirmed) return Infinity;
  const next = stopDue(rt, t, now);
  if (next !== undefined) return next;
  // Every container stopped: the pod is terminal (Succeeded if all exited 0), then the deletion is confirmed.
  const ns = pod.metadata.namespace;
  const name = pod.metadata.name!;
  // A pod that already finished, or never got as far as a sandbox (no IP), has no container status to report.
  const phase = pod.status?.phase;
  if (addr.podIP && phase !== "Succeeded" && phase !== "Failed") {
    const status = buildPodStatus(pod, rt, now, addr, undefined, true);
    cluster.updateStatus<Pod>(R.pods, ns, name, (d) => {
      d.status = status;
    });
  }
  t.confirmed = true;
  try {
    cluster.delete(R.pods, ns, name, { gracePeriodSeconds: 0, uid: pod.metadata.uid! });
  } catch {
    // Already gone (force-deleted meanwhile).
  }
  return Infinity;
};

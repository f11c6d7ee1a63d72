// Whether a pod is failing, why, and since when (cluster time), in the terms a rollout correlation needs: any
// container or init container stuck waiting (image pull, crash loop, config), a non-zero or OOM termination, a
// failed or unschedulable pod, or a container running but not ready past a start-up grace.
import type { V1ContainerStatus, V1Pod } from "@kubernetes/client-node";
import { ms } from "../../evidence.js";

export interface PodFailure {
  /** CrashLoopBackOff, ImagePullBackOff, Init:Error, OOMKilled, NotReady, Unschedulable... */
  reason: string;
  container?: string;
  /** When it started failing, as far as the status tells (epoch ms). */
  since?: number;
}

/** Waiting reasons of a container on its way up, not failing. */
const STARTING = new Set(["ContainerCreating", "PodInitializing"]);
/** A container running this long without being ready fails its readiness (the kubelet probes every 10 s by default). */
export const NOT_READY_GRACE_MS = 60_000;

function containerFailure(s: V1ContainerStatus, init: boolean, created: number | undefined, now: number): PodFailure | undefined {
  const prefix = init ? "Init:" : "";
  const last = s.lastState?.terminated;
  const lastFailed = last && (last.exitCode !== 0 || last.reason === "OOMKilled");
  const waiting = s.state?.waiting?.reason;
  if (waiting && !STARTING.has(waiting))
    return { reason: `${prefix}${waiting}`, container: s.name, ...since(ms(last?.finishedAt) ?? created) };
  const term = s.state?.terminated;
  if (term && term.exitCode !== 0)
    return { reason: `${prefix}${term.reason ?? "Error"}`, container: s.name, ...since(ms(term.finishedAt) ?? created) };
  if (lastFailed) return { reason: `${prefix}${last.reason ?? "Error"}`, container: s.name, ...since(ms(last.finishedAt)) };
  const started = ms(s.state?.running?.startedAt);
  if (!init && s.state?.running && !s.ready && started !== undefined && now - started >= NOT_READY_GRACE_MS)
    return { reason: "NotReady", container: s.name, since: started + NOT_READY_GRACE_MS };
  return undefined;
}

const since = (at: number | undefined): { since?: number } => (at !== undefined ? { since: at } : {});

export function podFailure(pod: V1Pod, now: number): PodFailure | undefined {
  if (pod.metadata?.deletionTimestamp) return undefined;
  const created = ms(pod.metadata?.creationTimestamp);
  if (pod.status?.phase === "Failed") return { reason: pod.status.reason ?? "Failed", ...since(created) };
  const unschedulable = pod.status?.conditions?.find(
    (c) => c.type === "PodScheduled" && c.status === "False" && c.reason === "Unschedulable",
  );
  if (unschedulable) return { reason: "Unschedulable", ...since(ms(unschedulable.lastTransitionTime) ?? created) };
  for (const s of pod.status?.initContainerStatuses ?? []) {
    const f = containerFailure(s, true, created, now);
    if (f) return f;
  }
  for (const s of pod.status?.containerStatuses ?? []) {
    const f = containerFailure(s, false, created, now);
    if (f) return f;
  }
  return undefined;
}

export function podReady(pod: V1Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false;
}

// The pod predicates controllers share (k8s.io/kubernetes/pkg/api/v1/pod and controller_utils): active, ready,
// available for minReadySeconds, and the finish time used by Job back-off.
import type { Pod } from "../types.js";

export const isTerminal = (p: Pod): boolean => p.status?.phase === "Succeeded" || p.status?.phase === "Failed";

/** controller.IsPodActive: not finished and not being deleted. */
export const isPodActive = (p: Pod): boolean => !isTerminal(p) && !p.metadata.deletionTimestamp;

export const readyCondition = (p: Pod) => p.status?.conditions?.find((c) => c.type === "Ready");

export const isPodReady = (p: Pod): boolean => readyCondition(p)?.status === "True";

export const isRunningAndReady = (p: Pod): boolean => p.status?.phase === "Running" && isPodReady(p);

/** podutil.IsPodAvailable: ready, and ready for longer than minReadySeconds. */
export const isPodAvailable = (p: Pod, minReadySeconds: number | undefined, now: number): boolean => {
  const c = readyCondition(p);
  if (c?.status !== "True") return false;
  if (!minReadySeconds) return true;
  const since = c.lastTransitionTime ? Date.parse(c.lastTransitionTime) : NaN;
  return Number.isFinite(since) && since + minReadySeconds * 1000 < now;
};

/** When a finished pod's last container terminated (Job back-off counts from there). */
export const finishedAt = (p: Pod, fallback: number): number => {
  let latest = -Infinity;
  for (const cs of [...(p.status?.containerStatuses ?? []), ...(p.status?.initContainerStatuses ?? [])]) {
    const t = cs.state?.terminated?.finishedAt;
    if (typeof t === "string" && Date.parse(t) > latest) latest = Date.parse(t);
  }
  return Number.isFinite(latest) ? latest : fallback;
};

export const restartCount = (p: Pod): number =>
  [...(p.status?.containerStatuses ?? []), ...(p.status?.initContainerStatuses ?? [])].reduce((n, cs) => n + (cs.restartCount ?? 0), 0);

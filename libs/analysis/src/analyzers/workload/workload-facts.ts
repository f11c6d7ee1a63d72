// What the workload analyzers read the same way: conditions, a controller's events, its pods and why they
// are not ready, and the grace a starting pod gets before its absence counts as trouble.
import type { CoreV1Event, KubernetesObject, V1LabelSelector, V1Pod } from "@kubernetes/client-node";
import type { AnalysisContext } from "../../analyzer-definition.js";
import { eventLastSeen, ms } from "../../evidence.js";

/** A pod not ready for this long is unavailable, not starting: scale-ups and restarts get this much grace. */
export const START_GRACE_MS = 2 * 60_000;

interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: Date;
  lastUpdateTime?: Date;
}

export const conditionOf = (conditions: readonly Condition[] | undefined, type: string): Condition | undefined =>
  conditions?.find((c) => c.type === type);

/** The controller's own events (FailedCreate, MissSchedule...), oldest first. */
export function eventsOf(obj: KubernetesObject, ctx: AnalysisContext): CoreV1Event[] {
  const meta = obj.metadata;
  if (!meta?.name || !obj.kind) return [];
  return ctx.cache.eventsFor({ kind: obj.kind, name: meta.name, namespace: meta.namespace, uid: meta.uid });
}

/** The newest Warning event with one of these reasons (any reason when none is given). */
export function latestWarning(events: readonly CoreV1Event[], ...reasons: string[]): CoreV1Event | undefined {
  return events
    .filter((e) => e.type === "Warning" && (reasons.length === 0 || reasons.includes(e.reason ?? "")))
    .sort((a, b) => (eventLastSeen(a) ?? 0) - (eventLastSeen(b) ?? 0))
    .at(-1);
}

/** Pods a workload selects in its namespace, not being deleted. */
export function podsSelected(namespace: string | undefined, selector: V1LabelSelector | undefined, ctx: AnalysisContext): V1Pod[] {
  if (!namespace || !selector) return [];
  return ctx.cache
    .store("Pod")
    .list({ namespace, labelSelector: selector })
    .filter((p) => !p.metadata?.deletionTimestamp);
}

const readyCondition = (p: V1Pod) => p.status?.conditions?.find((c) => c.type === "Ready");

/** Not ready for longer than the start grace (by the Ready condition's transition, or the pod's age). */
export function staleUnready(p: V1Pod, ctx: AnalysisContext): boolean {
  const ready = readyCondition(p);
  if (ready?.status === "True" || p.status?.phase === "Succeeded") return false;
  const since = ms(ready?.lastTransitionTime) ?? ms(p.metadata?.creationTimestamp);
  return since !== undefined && ctx.now - since > START_GRACE_MS;
}

/** One line per unready pod: "web-abc (ImagePullBackOff)", "web-def (Pending: Unschedulable)". */
export function whyUnready(p: V1Pod): string {
  const name = p.metadata?.name ?? "?";
  const statuses = [...(p.status?.initContainerStatuses ?? []), ...(p.status?.containerStatuses ?? [])];
  const waiting = statuses.find((s) => s.state?.waiting?.reason && s.state.waiting.reason !== "PodInitializing")?.state?.waiting?.reason;
  if (waiting) return `${name} (${waiting})`;
  const terminated = statuses.find((s) => s.state?.terminated && s.state.terminated.exitCode !== 0)?.state?.terminated;
  if (terminated) return `${name} (${terminated.reason ?? "exit"} ${terminated.exitCode})`;
  const scheduled = p.status?.conditions?.find((c) => c.type === "PodScheduled" && c.status === "False");
  if (scheduled) return `${name} (Pending: ${scheduled.reason ?? "unscheduled"})`;
  const unready = statuses.filter((s) => !s.ready).map((s) => s.name);
  return unready.length ? `${name} (not ready: ${unready.join(", ")})` : `${name} (${p.status?.phase ?? "unknown"})`;
}

/** An int-or-percent field (maxUnavailable) resolved against a replica count; percentages round down, like the controller. */
export function resolveIntOrPercent(value: number | string | undefined, total: number, fallback: string): number {
  const v = value ?? fallback;
  if (typeof v === "number") return v;
  const pct = /^(\d+)%$/.exec(v);
  return pct ? Math.floor((Number(pct[1]) * total) / 100) : Number.parseInt(v, 10) || 0;
}

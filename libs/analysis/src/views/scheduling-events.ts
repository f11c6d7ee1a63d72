// The scheduling side of a pod's history: its scheduler events (FailedScheduling, Scheduled, Preempted,
// NotTriggerScaleUp, anything reported by default-scheduler), newest first, and the scheduler's current verdict
// parsed. The verdict is the PodScheduled=False condition's message when there is one (the scheduler rewrites
// it on every failed attempt, while events are aggregated and expire), else the newest FailedScheduling event.
import type { CoreV1Event, V1Pod } from "@kubernetes/client-node";
import type { ClusterCache } from "@vigil/kube";
import { eventCount, eventLastSeen, iso } from "../evidence.js";
import { parseSchedulerMessage, type ParsedSchedulerMessage } from "./scheduler-messages.js";

const SCHEDULING_REASONS = new Set(["FailedScheduling", "Scheduled", "Preempted", "NotTriggerScaleUp", "TriggeredScaleUp"]);
const SCHEDULER = "default-scheduler";
/** As many as the seed returns. */
const MAX_EVENTS = 50;

export interface SchedulingEventItem {
  type: string;
  reason: string;
  message: string;
  timestamp?: string;
  count: number;
  source?: string;
}

const sourceOf = (e: CoreV1Event): string | undefined => e.source?.component || e.reportingComponent || undefined;

/** The pod's scheduling events, newest first. */
export function schedulingEventsOf(cache: ClusterCache, pod: V1Pod): CoreV1Event[] {
  const events = cache.eventsFor({
    kind: "Pod",
    namespace: pod.metadata?.namespace ?? "default",
    name: pod.metadata?.name ?? "",
    ...(pod.metadata?.uid ? { uid: pod.metadata.uid } : {}),
  });
  return events
    .filter((e) => SCHEDULING_REASONS.has(e.reason ?? "") || sourceOf(e) === SCHEDULER)
    .sort((a, b) => (eventLastSeen(b) ?? 0) - (eventLastSeen(a) ?? 0))
    .slice(0, MAX_EVENTS);
}

export function toEventItem(e: CoreV1Event): SchedulingEventItem {
  const last = eventLastSeen(e);
  const source = sourceOf(e);
  return {
    type: e.type ?? "Normal",
    reason: e.reason ?? "",
    message: e.message ?? "",
    ...(last !== undefined ? { timestamp: new Date(last).toISOString() } : {}),
    count: eventCount(e),
    ...(source ? { source } : {}),
  };
}

export interface SchedulerVerdict extends ParsedSchedulerMessage {
  message: string;
  timestamp?: string;
}

/** The scheduler's latest word on an unscheduled pod, parsed; undefined when it has said nothing yet. */
export function latestVerdict(pod: V1Pod, newestFirst: readonly CoreV1Event[]): SchedulerVerdict | undefined {
  const failed = newestFirst.find((e) => e.reason === "FailedScheduling" && e.message);
  const condition = pod.status?.conditions?.find((c) => c.type === "PodScheduled" && c.status === "False" && c.message);
  const message = condition?.message ?? failed?.message;
  if (!message) return undefined;
  const at = failed && failed.message === message ? eventLastSeen(failed) : undefined;
  const timestamp = at !== undefined ? new Date(at).toISOString() : iso(condition?.lastTransitionTime);
  return { ...parseSchedulerMessage(message), message, ...(timestamp ? { timestamp } : {}) };
}

/** The verdict as the API shows it (`schedulerVerdict`). */
export const verdictResponse = (v: SchedulerVerdict) => ({
  message: v.message,
  ...(v.timestamp ? { timestamp: v.timestamp } : {}),
  ...(v.totalNodes !== undefined ? { totalNodes: v.totalNodes } : {}),
  reasons: v.reasons,
  ...(v.preemption ? { preemption: v.preemption } : {}),
});

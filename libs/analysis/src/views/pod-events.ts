// A pod's Events from the cache (by uid, so a namesake that replaced it does not lend its history) in the
// seed's JSON shape. core/v1 and events.k8s.io style events both work: times and counts come from
// evidence.ts's readers (series, lastTimestamp, eventTime...).
import type { CoreV1Event, V1Pod } from "@kubernetes/client-node";
import type { PodEvent } from "@vigil/contracts";
import type { AnalysisContext } from "../analyzer-definition.js";
import { eventCount, eventFirstSeen, eventLastSeen } from "../evidence.js";

/** The pod's events, oldest first (as the cache lists them). */
export function podEventsOf(ctx: AnalysisContext, pod: V1Pod): CoreV1Event[] {
  const md = pod.metadata ?? {};
  return ctx.cache.eventsFor({
    kind: "Pod",
    namespace: md.namespace ?? "default",
    name: md.name ?? "",
    ...(md.uid ? { uid: md.uid } : {}),
  });
}

/** "component/host" as `kubectl describe` prints "From" (reportingController/Instance for new-style events). */
export function eventSource(e: CoreV1Event): string {
  const component = e.source?.component || e.reportingComponent || "";
  const host = e.source?.host || e.reportingInstance || "";
  return [component, host].filter(Boolean).join("/");
}

const isoOf = (ms: number | undefined): string | undefined => (ms === undefined ? undefined : new Date(ms).toISOString());

export function toPodEvent(e: CoreV1Event): PodEvent {
  const first = isoOf(eventFirstSeen(e));
  const last = isoOf(eventLastSeen(e));
  return {
    type: e.type ?? "Normal",
    reason: e.reason ?? "",
    message: e.message ?? "",
    ...(first ? { firstTimestamp: first } : {}),
    ...(last ? { lastTimestamp: last } : {}),
    count: eventCount(e),
    source: eventSource(e),
  };
}

/** Newest first by last occurrence; ties keep the cache's order. */
export function newestFirst(events: readonly CoreV1Event[]): CoreV1Event[] {
  return events
    .map((e, i) => ({ e, i, t: eventLastSeen(e) ?? 0 }))
    .sort((a, b) => b.t - a.t || b.i - a.i)
    .map((x) => x.e);
}

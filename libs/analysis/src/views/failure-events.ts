// GET /pods/{ns}/{pod}/failure-events: the pod's failure events classified by the ordered exact-match table
// (failure-reasons.ts), with recurrence and "ongoing" measured in CLUSTER time (ctx.now, not this process's
// clock: a simulated cluster runs hours ahead), enriched with what the pod's status says (exit codes,
// restarts, OOM kills, QoS). Every event of the pod in the cache is considered; the seed read 20 events
// before sorting them, so it could miss the newest.
import type { CoreV1Event, V1ContainerStatus, V1Pod } from "@kubernetes/client-node";
import type { FailureEvent, PodFailureEvents, ViewSeverity } from "@vigil/contracts";
import type { AnalysisContext } from "../analyzer-definition.js";
import { eventCount, eventFirstSeen, eventLastSeen } from "../evidence.js";
import { formatDuration } from "./durations.js";
import { classifyFailure, type FailureReason } from "./failure-reasons.js";
import { podEventsOf, toPodEvent } from "./pod-events.js";
import { podStatusText } from "./pod-status.js";

/** A Normal event repeated this often is worth a look (image re-pulls, probe-driven restarts). */
const FREQUENT_NORMAL = 5;
/** Critical issues seen this recently (cluster time) are "ongoing". */
export const ONGOING_WINDOW_MS = 5 * 60_000;
const SEVERITY_WEIGHT: Record<ViewSeverity, number> = { critical: 3, warning: 2, info: 1 };

/** "6.0 times per hour" above one an hour, else "3 times in 4.5 hours". */
export function recurrenceRate(count: number, firstMs: number | undefined, lastMs: number | undefined): string {
  const hours = firstMs !== undefined && lastMs !== undefined ? (lastMs - firstMs) / 3_600_000 : 0;
  if (!(hours > 0)) return `${count} ${count === 1 ? "time" : "times"}`;
  const rate = count / hours;
  return rate > 1 ? `${rate.toFixed(1)} times per hour` : `${count} times in ${hours.toFixed(1)} hours`;
}

const allStatuses = (pod: V1Pod): V1ContainerStatus[] => [
  ...(pod.status?.initContainerStatuses ?? []),
  ...(pod.status?.containerStatuses ?? []),
];

/** Causes the pod's own status adds to a category's generic ones. */
function podCauses(pod: V1Pod, category: string): string[] {
  const out: string[] = [];
  if (category === "ContainerCrash" || category === "Resource") {
    for (const s of allStatuses(pod)) {
      const t = s.state?.terminated ?? s.lastState?.terminated;
      if (t && t.exitCode !== 0) out.push(`Container ${s.name} exited with code ${t.exitCode}${t.reason ? ` (${t.reason})` : ""}`);
      if (category === "ContainerCrash" && s.restartCount > 0) out.push(`Container ${s.name} has restarted ${s.restartCount} times`);
    }
  }
  if (category === "Resource") {
    const qos = pod.status?.qosClass;
    if (qos === "Burstable" || qos === "BestEffort") out.push(`Pod QoS class is ${qos} - consider setting guaranteed QoS`);
  }
  return out;
}

function classify(
  e: CoreV1Event,
): FailureReason | { category: "Other"; severity: ViewSeverity; possibleCauses: string[]; suggestedAction: string } | undefined {
  const row = classifyFailure(e.reason ?? "", e.message ?? "");
  if (row) return row;
  if (e.type === "Warning")
    return {
      category: "Other",
      severity: "warning",
      possibleCauses: ["Check event message for details"],
      suggestedAction: "Investigate based on event message",
    };
  if (eventCount(e) >= FREQUENT_NORMAL)
    return {
      category: "Other",
      severity: "info",
      possibleCauses: ["A frequently repeated event"],
      suggestedAction: "Investigate based on event message",
    };
  return undefined;
}

/** Containers whose current or last instance was OOM-killed, with their memory limits. */
function oomKilled(pod: V1Pod): string[] {
  return allStatuses(pod)
    .filter((s) => (s.state?.terminated ?? s.lastState?.terminated)?.reason === "OOMKilled")
    .map((s) => {
      const limit = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])].find((c) => c.name === s.name)?.resources
        ?.limits?.["memory"];
      return `Container ${s.name} was OOMKilled${limit ? ` (memory limit ${String(limit)})` : " (no memory limit: the node ran out)"}`;
    });
}

const truncate = (s: string, max = 100): string => (s.length > max ? `${s.slice(0, max - 3)}...` : s);

export function podFailureEventsView(ctx: AnalysisContext, pod: V1Pod): PodFailureEvents {
  const events = podEventsOf(ctx, pod);
  const failures: Array<FailureEvent & { lastMs: number }> = [];
  for (const e of events) {
    const c = classify(e);
    if (!c) continue;
    const first = eventFirstSeen(e);
    const last = eventLastSeen(e);
    const count = eventCount(e);
    // A crash loop whose instances are OOM-killed is a memory problem: say so rather than "check the logs".
    const ooms = c.category === "ContainerCrash" ? oomKilled(pod) : [];
    failures.push({
      ...toPodEvent(e),
      category: c.category,
      severity: c.severity,
      isRecurring: count > 3,
      recurrenceRate: recurrenceRate(count, first, last),
      timeSinceFirst: formatDuration(ctx.now - (first ?? ctx.now)),
      possibleCauses: [...new Set([...ooms, ...c.possibleCauses, ...podCauses(pod, c.category)])],
      suggestedAction: ooms.length > 0 ? (classifyFailure("OOMKilled", "")?.suggestedAction ?? c.suggestedAction) : c.suggestedAction,
      lastMs: last ?? 0,
    });
  }
  failures.sort((a, b) => SEVERITY_WEIGHT[b.severity] - SEVERITY_WEIGHT[a.severity] || b.lastMs - a.lastMs);

  const eventCategories: Record<string, number> = {};
  for (const f of failures) eventCategories[f.category] = (eventCategories[f.category] ?? 0) + 1;
  const newest = failures.reduce<(typeof failures)[number] | undefined>(
    (best, f) => (!best || f.lastMs > best.lastMs ? f : best),
    undefined,
  );
  const ongoing = failures.filter((f) => f.severity === "critical" && f.lastMs > 0 && ctx.now - f.lastMs <= ONGOING_WINDOW_MS);

  return {
    podName: pod.metadata?.name ?? "",
    namespace: pod.metadata?.namespace ?? "",
    totalEvents: events.length,
    failureEvents: failures.map(({ lastMs: _lastMs, ...f }) => f),
    eventCategories,
    criticalEvents: failures.filter((f) => f.severity === "critical").length,
    warningEvents: failures.filter((f) => f.severity === "warning").length,
    ...(newest
      ? {
          mostRecentIssue: {
            reason: newest.reason,
            message: newest.message,
            ...(newest.lastTimestamp ? { lastTimestamp: newest.lastTimestamp } : {}),
          },
        }
      : {}),
    ongoingIssues: [...new Set(ongoing.map((f) => truncate(`${f.reason}: ${f.message}`)))],
    podPhase: pod.status?.phase ?? "Unknown",
    podStatus: podStatusText(pod),
  };
}

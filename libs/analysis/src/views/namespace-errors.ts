// GET /namespace/{ns}/error: every pod of a namespace owned by a Deployment (through its ReplicaSet) or a
// StatefulSet, checked for the seed's issue types. Fixed from the seed: the restart threshold is the
// analyzer's setting (POD_RESTART_THRESHOLD); owners come from the real owner chain (ReplicaSet → its
// Deployment by ownerReference, not by trimming the ReplicaSet's name); phase Failed is an issue; ages and
// "recent" are cluster time. Owner lookups stay in the cache (no API call).
import type { CoreV1Event, V1Pod } from "@kubernetes/client-node";
import type { NamespaceErrors, NamespaceIssueType, ViewSeverity } from "@vigil/contracts";
import { ownerChain } from "@vigil/kube";
import type { AnalysisContext } from "../analyzer-definition.js";
import { eventCount, eventLastSeen, ms } from "../evidence.js";
import { forEachChunked } from "./chunked.js";
import { formatDuration } from "./durations.js";
import { newestFirst, podEventsOf } from "./pod-events.js";

const PENDING_AFTER_MS = 5 * 60_000;
const RECENT_EVENTS_MS = 60 * 60_000;
const RECENT_EVENTS_LIMIT = 5;

export const NAMESPACE_ISSUE_DESCRIPTIONS: Record<NamespaceIssueType, string> = {
  HighRestarts: "Pods with excessive restart counts",
  Pending: "Pods stuck in pending state",
  Failed: "Pods in failed state",
  CrashLoopBackOff: "Pods in crash loop backoff",
  ImagePullError: "Pods with image pull errors",
  ResourceConstraints: "Pods with insufficient resources",
  Unschedulable: "Pods that cannot be scheduled",
};

type Issue = NamespaceErrors["problematicPods"][number]["issues"][number];
type ProblematicPod = NamespaceErrors["problematicPods"][number];

const issue = (type: NamespaceIssueType, severity: ViewSeverity, description: string, details?: string): Issue => ({
  type,
  severity,
  description,
  ...(details ? { details } : {}),
});

/** Only workloads that are meant to keep running: Jobs, DaemonSets and bare pods are left out, as in the seed. */
const analyzed = (pod: V1Pod): boolean =>
  (pod.metadata?.ownerReferences ?? []).some((r) => r.kind === "ReplicaSet" || r.kind === "StatefulSet");

export function podIssues(pod: V1Pod, now: number, threshold: number): Issue[] {
  const out: Issue[] = [];
  const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  const restarts = statuses.reduce((n, s) => n + s.restartCount, 0);
  if (restarts > threshold) {
    const details = statuses
      .filter((s) => s.restartCount > 0)
      .map((s) => `${s.name}: ${s.restartCount} restarts`)
      .join(", ");
    out.push(issue("HighRestarts", "critical", `Pod has restarted ${restarts} times (threshold: ${threshold})`, details));
  }
  const phase = pod.status?.phase;
  const containerIssues: Issue[] = [];
  for (const s of statuses) {
    const waiting = s.state?.waiting;
    if (waiting?.reason === "CrashLoopBackOff")
      containerIssues.push(
        issue("CrashLoopBackOff", "critical", `Container ${s.name} is in CrashLoopBackOff state`, waiting.message || undefined),
      );
    if (waiting?.reason === "ImagePullBackOff" || waiting?.reason === "ErrImagePull")
      containerIssues.push(
        issue("ImagePullError", "critical", `Container ${s.name} has image pull error: ${waiting.reason}`, waiting.message || undefined),
      );
    const t = s.state?.terminated;
    if (t && t.exitCode !== 0 && phase !== "Failed")
      containerIssues.push(
        issue("Failed", "warning", `Container ${s.name} terminated with exit code ${t.exitCode}`, t.reason || undefined),
      );
  }
  const age = now - (ms(pod.metadata?.creationTimestamp) ?? now);
  // A scheduled pod that is Pending because its image does not pull is an image problem, not a second "Pending" one.
  if (phase === "Pending" && age > PENDING_AFTER_MS && (!pod.spec?.nodeName || containerIssues.length === 0)) {
    const scheduled = pod.status?.conditions?.find((c) => c.type === "PodScheduled" && c.status === "False");
    const message = scheduled?.message ?? "";
    const type: NamespaceIssueType = /insufficient/i.test(message)
      ? "ResourceConstraints"
      : scheduled?.reason === "Unschedulable" || /unschedulable/i.test(message)
        ? "Unschedulable"
        : "Pending";
    out.push(issue(type, "critical", `Pod has been pending for ${formatDuration(age)}`, message || undefined));
  }
  if (phase === "Failed") {
    const why = [pod.status?.reason, pod.status?.message].filter(Boolean).join(": ");
    out.push(issue("Failed", "critical", "Pod is in Failed phase", why || undefined));
  }
  out.push(...containerIssues);
  return out;
}

function recentWarnings(events: readonly CoreV1Event[], now: number): ProblematicPod["recentEvents"] {
  return newestFirst(events.filter((e) => e.type === "Warning" && now - (eventLastSeen(e) ?? 0) <= RECENT_EVENTS_MS))
    .slice(0, RECENT_EVENTS_LIMIT)
    .map((e) => {
      const last = eventLastSeen(e);
      return {
        type: e.type ?? "Warning",
        reason: e.reason ?? "",
        message: e.message ?? "",
        ...(last !== undefined ? { lastTimestamp: new Date(last).toISOString() } : {}),
        count: eventCount(e),
      };
    });
}

export async function namespaceErrorsView(ctx: AnalysisContext, namespace: string, signal?: AbortSignal): Promise<NamespaceErrors> {
  const pods = ctx.cache
    .store("Pod")
    .list({ namespace })
    .filter(analyzed)
    .sort((a, b) => (a.metadata?.name ?? "").localeCompare(b.metadata?.name ?? ""));
  const threshold = ctx.settings.restartThreshold;
  const found: Array<{ pod: V1Pod; issues: Issue[] }> = [];
  await forEachChunked(
    pods,
    (pod) => {
      const issues = podIssues(pod, ctx.now, threshold);
      if (issues.length > 0) found.push({ pod, issues });
    },
    signal,
  );

  const problematicPods: ProblematicPod[] = [];
  for (const { pod, issues } of found) {
    const { top } = await ownerChain(pod, { cache: ctx.cache, client: null });
    const md = pod.metadata ?? {};
    const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
    problematicPods.push({
      name: md.name ?? "",
      namespace,
      ownerKind: top.kind,
      ownerName: top.name,
      phase: pod.status?.phase ?? "Unknown",
      restartCount: statuses.reduce((n, s) => n + s.restartCount, 0),
      age: formatDuration(ctx.now - (ms(md.creationTimestamp) ?? ctx.now)),
      issues,
      recentEvents: recentWarnings(podEventsOf(ctx, pod), ctx.now),
    });
  }
  signal?.throwIfAborted();
  const critical = (p: ProblematicPod) => p.issues.some((i) => i.severity === "critical");
  problematicPods.sort(
    (a, b) => Number(critical(b)) - Number(critical(a)) || b.restartCount - a.restartCount || a.name.localeCompare(b.name),
  );

  const byType = new Map<NamespaceIssueType, Set<string>>();
  for (const p of problematicPods) for (const i of p.issues) byType.set(i.type, (byType.get(i.type) ?? new Set()).add(p.name));
  const summary = [...byType.entries()]
    .map(([issueType, affected]) => ({
      issueType,
      count: affected.size,
      description: NAMESPACE_ISSUE_DESCRIPTIONS[issueType],
      affectedPods: [...affected],
    }))
    .sort((a, b) => b.count - a.count || a.issueType.localeCompare(b.issueType));
  const allIssues = problematicPods.flatMap((p) => p.issues);
  return {
    namespace,
    analysisTime: new Date(ctx.now).toISOString(),
    totalPodsAnalyzed: pods.length,
    problematicPodsCount: problematicPods.length,
    healthyPodsCount: pods.length - problematicPods.length,
    restartThresholdUsed: threshold,
    summary,
    problematicPods,
    criticalIssuesCount: allIssues.filter((i) => i.severity === "critical").length,
    warningIssuesCount: allIssues.filter((i) => i.severity === "warning").length,
  };
}

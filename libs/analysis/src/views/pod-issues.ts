// GET /cluster/pod-issues?namespace=&severity=: every pod's issues (pod-issue-detect.ts) aggregated as the
// seed does: counts per category and namespace, the top (category, severity) groups, recurring patterns
// with the labels their pods share, the most recent critical issues, and velocity in cluster time. Fixed
// from the seed: namespace absent or "all" means every namespace (the seed listed namespace "all"); the
// severity filter applies to every issue-derived field, not only topIssues; pattern labels are a real
// intersection; "resolved" counts pods that had Warning events in the window and have no issue now.
import type { V1Pod } from "@kubernetes/client-node";
import type { ClusterPodIssues, ViewSeverity } from "@vigil/contracts";
import type { AnalysisContext } from "../analyzer-definition.js";
import { eventLastSeen } from "../evidence.js";
import { forEachChunked } from "./chunked.js";
import { detectPodIssues, type DetectedIssue } from "./pod-issue-detect.js";
import { podEventsOf } from "./pod-events.js";

const TOP_ISSUES = 10;
const PODS_PER_TOP_ISSUE = 5;
const PATTERN_MIN = 3;
const PATTERNS = 5;
const CRITICAL_ISSUES = 20;
const NAMESPACE_TOP_ISSUES = 5;
const HOUR_MS = 3_600_000;
const SEVERITY_WEIGHT: Record<ViewSeverity, number> = { critical: 3, warning: 2, info: 1 };

export const CATEGORY_DESCRIPTIONS: Record<DetectedIssue["category"], string> = {
  CrashLoopBackOff: "Container repeatedly crashing and restarting",
  ImagePullError: "Unable to pull container image",
  PendingScheduling: "Pod unable to be scheduled",
  OOMKilled: "Container terminated due to memory limit",
  Evicted: "Pod evicted from node",
  Failed: "Pod in failed state",
  Unhealthy: "Pod health checks failing",
  InitContainerError: "Init container failing to start",
  ConfigurationError: "Configuration or secret mounting error",
};

export interface PodIssuesQuery {
  namespace?: string | undefined;
  severity?: ViewSeverity | undefined;
}

const bySeverityThenRecent = (a: DetectedIssue, b: DetectedIssue) =>
  SEVERITY_WEIGHT[b.severity] - SEVERITY_WEIGHT[a.severity] || (b.lastMs ?? 0) - (a.lastMs ?? 0);
const strip = ({ firstMs: _f, lastMs: _l, ...issue }: DetectedIssue) => issue;

export async function clusterPodIssuesView(ctx: AnalysisContext, query: PodIssuesQuery, signal?: AbortSignal): Promise<ClusterPodIssues> {
  const scope = !query.namespace || query.namespace === "all" ? undefined : query.namespace;
  const pods = ctx.cache.store("Pod").list(scope ? { namespace: scope } : {});
  const eventsOf = (pod: V1Pod) => podEventsOf(ctx, pod);
  const issues: DetectedIssue[] = [];
  const podsPerNamespace = new Map<string, number>();
  const unhealthyPerNamespace = new Map<string, number>();
  const labelsOf = new Map<string, Record<string, string>>();
  let unhealthy = 0;
  const resolved = { hour: 0, day: 0 };
  await forEachChunked(
    pods,
    (pod) => {
      const ns = pod.metadata?.namespace ?? "";
      podsPerNamespace.set(ns, (podsPerNamespace.get(ns) ?? 0) + 1);
      const found = detectPodIssues(pod, ctx.now, eventsOf);
      if (found.length === 0) {
        // A pod with recent warnings and no issue now got better: that is what "resolved" can honestly mean here.
        const lastWarning = Math.max(
          0,
          ...eventsOf(pod)
            .filter((e) => e.type === "Warning")
            .map((e) => eventLastSeen(e) ?? 0),
        );
        if (lastWarning > 0 && ctx.now - lastWarning <= HOUR_MS) resolved.hour++;
        if (lastWarning > 0 && ctx.now - lastWarning <= 24 * HOUR_MS) resolved.day++;
        return;
      }
      unhealthy++;
      unhealthyPerNamespace.set(ns, (unhealthyPerNamespace.get(ns) ?? 0) + 1);
      labelsOf.set(`${ns}/${pod.metadata?.name ?? ""}`, pod.metadata?.labels ?? {});
      for (const i of found) if (!query.severity || i.severity === query.severity) issues.push(i);
    },
    signal,
  );

  const issueCategories: Record<string, number> = {};
  const issuesByNamespace: ClusterPodIssues["issuesByNamespace"] = {};
  for (const i of issues) {
    issueCategories[i.category] = (issueCategories[i.category] ?? 0) + 1;
    const ns = (issuesByNamespace[i.namespace] ??= {
      namespace: i.namespace,
      totalPods: podsPerNamespace.get(i.namespace) ?? 0,
      unhealthyPods: unhealthyPerNamespace.get(i.namespace) ?? 0,
      issuesCount: 0,
      criticalCount: 0,
      warningCount: 0,
      topIssues: [],
    });
    ns.issuesCount++;
    if (i.severity === "critical") ns.criticalCount++;
    if (i.severity === "warning") ns.warningCount++;
  }
  for (const ns of Object.keys(issuesByNamespace))
    issuesByNamespace[ns]!.topIssues = issues
      .filter((i) => i.namespace === ns)
      .sort(bySeverityThenRecent)
      .slice(0, NAMESPACE_TOP_ISSUES)
      .map(strip);

  const groups = new Map<string, { category: DetectedIssue["category"]; severity: ViewSeverity; pods: string[] }>();
  for (const i of issues) {
    const key = `${i.category}:${i.severity}`;
    const g = groups.get(key) ?? { category: i.category, severity: i.severity, pods: [] };
    g.pods.push(`${i.namespace}/${i.podName}`);
    groups.set(key, g);
  }
  const topIssues = [...groups.values()]
    .sort(
      (a, b) =>
        SEVERITY_WEIGHT[b.severity] - SEVERITY_WEIGHT[a.severity] || b.pods.length - a.pods.length || a.category.localeCompare(b.category),
    )
    .slice(0, TOP_ISSUES)
    .map((g) => ({
      category: g.category,
      count: g.pods.length,
      severity: g.severity,
      description: CATEGORY_DESCRIPTIONS[g.category],
      affectedPods:
        g.pods.length > PODS_PER_TOP_ISSUE
          ? [...g.pods.slice(0, PODS_PER_TOP_ISSUE), `... and ${g.pods.length - PODS_PER_TOP_ISSUE} more`]
          : g.pods,
    }));

  const within = (i: DetectedIssue, windowMs: number) => i.firstMs !== undefined && ctx.now - i.firstMs <= windowMs;
  const newHour = issues.filter((i) => within(i, HOUR_MS)).length;
  const newDay = issues.filter((i) => within(i, 24 * HOUR_MS)).length;

  return {
    analysisTime: new Date(ctx.now).toISOString(),
    totalPods: pods.length,
    healthyPods: pods.length - unhealthy,
    unhealthyPods: unhealthy,
    issueCategories,
    issuesByNamespace,
    topIssues,
    issueVelocity: {
      newIssuesLastHour: newHour,
      newIssuesLast24h: newDay,
      resolvedLastHour: resolved.hour,
      resolvedLast24h: resolved.day,
      trendDirection: newHour > resolved.hour ? "degrading" : newHour < resolved.hour ? "improving" : "stable",
      velocityPerHour: Math.round((newDay / 24) * 100) / 100,
    },
    patterns: patternsOf(issues, labelsOf),
    criticalIssues: issues
      .filter((i) => i.severity === "critical")
      .sort((a, b) => (b.lastMs ?? 0) - (a.lastMs ?? 0))
      .slice(0, CRITICAL_ISSUES)
      .map(strip),
    calculatedAt: new Date(ctx.now).toISOString(),
    namespace: scope ?? "all",
    ...(query.severity ? { severity: query.severity } : {}),
  };
}

function patternsOf(issues: readonly DetectedIssue[], labelsOf: Map<string, Record<string, string>>): ClusterPodIssues["patterns"] {
  const patterns = new Map<
    string,
    { issue: DetectedIssue; count: number; namespaces: Set<string>; labels: Record<string, string>; first?: number; last?: number }
  >();
  for (const i of issues) {
    const key = `${i.category}:${i.reason}`;
    const labels = labelsOf.get(`${i.namespace}/${i.podName}`) ?? {};
    const p = patterns.get(key);
    if (!p) {
      patterns.set(key, {
        issue: i,
        count: 1,
        namespaces: new Set([i.namespace]),
        labels: { ...labels },
        first: i.firstMs,
        last: i.lastMs,
      });
      continue;
    }
    p.count++;
    p.namespaces.add(i.namespace);
    for (const k of Object.keys(p.labels)) if (labels[k] !== p.labels[k]) delete p.labels[k];
    if (i.firstMs !== undefined && (p.first === undefined || i.firstMs < p.first)) p.first = i.firstMs;
    if (i.lastMs !== undefined && (p.last === undefined || i.lastMs > p.last)) p.last = i.lastMs;
  }
  return [...patterns.values()]
    .filter((p) => p.count >= PATTERN_MIN)
    .sort((a, b) => b.count - a.count || a.issue.category.localeCompare(b.issue.category))
    .slice(0, PATTERNS)
    .map((p) => ({
      type: p.issue.category,
      description: `${p.issue.category}: ${p.issue.reason}`,
      count: p.count,
      namespaces: [...p.namespaces].sort(),
      commonLabels: p.labels,
      ...(p.first !== undefined ? { firstSeen: new Date(p.first).toISOString() } : {}),
      ...(p.last !== undefined ? { lastSeen: new Date(p.last).toISOString() } : {}),
    }));
}

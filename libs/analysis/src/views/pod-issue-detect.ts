// The issues of one pod for the cluster pod-issues view, with the seed's categories. Fixed from the seed:
// times are cluster time and come from the pod's own status and events (the seed stamped most issues with
// time.Now(), making velocity meaningless); an evicted pod is Evicted, not also Failed; a crash loop whose
// last termination was an OOM kill is also OOMKilled (the seed only looked at the current state, which in a
// crash loop is "waiting"); a container still being created is not "Unhealthy" until it has taken 5 minutes;
// finished pods are not "not ready".
import type { CoreV1Event, V1ContainerStatus, V1Pod } from "@kubernetes/client-node";
import type { ClusterPodIssue, PodIssueCategory, ViewSeverity } from "@vigil/contracts";
import { eventCount, eventFirstSeen, eventLastSeen, ms } from "../evidence.js";

const PENDING_GRACE_MS = 30_000;
const NOT_READY_AFTER_MS = 5 * 60_000;
const CREATING_AFTER_MS = 5 * 60_000;
const RECENT_OOM_MS = 24 * 3_600_000;
const HIGH_RESTARTS = 5;

/** Which of the pod's Warning events date an issue of each category. */
const EVENT_REASONS: Record<PodIssueCategory, readonly string[]> = {
  CrashLoopBackOff: ["BackOff"],
  ImagePullError: ["Failed", "BackOff", "ErrImagePull", "InspectFailed"],
  PendingScheduling: ["FailedScheduling"],
  OOMKilled: [],
  Evicted: ["Evicted"],
  Failed: [],
  Unhealthy: ["Unhealthy"],
  InitContainerError: ["BackOff", "Failed"],
  ConfigurationError: ["Failed"],
};

export interface DetectedIssue extends ClusterPodIssue {
  firstMs: number | undefined;
  lastMs: number | undefined;
}

interface Draft {
  category: PodIssueCategory;
  severity: ViewSeverity;
  reason: string;
  message: string;
  count?: number;
  isRecurring?: boolean;
  container?: string;
  /** Times from the pod's status, used when no event dates the issue. */
  atMs?: number;
}

const iso = (t: number | undefined) => (t === undefined ? undefined : new Date(t).toISOString());

function drafts(pod: V1Pod, now: number): Draft[] {
  const out: Draft[] = [];
  const status = pod.status ?? {};
  const created = ms(pod.metadata?.creationTimestamp) ?? now;
  const phase = status.phase;
  if (phase === "Pending" && now - created >= PENDING_GRACE_MS && !pod.spec?.nodeName) {
    const c = status.conditions?.find((x) => x.type === "PodScheduled" && x.status === "False");
    const message = c?.message ?? `Pod pending for ${Math.round((now - created) / 60_000)}m`;
    out.push({
      category: "PendingScheduling",
      severity: /Insufficient/.test(message) ? "critical" : "warning",
      reason: c?.reason ?? "PendingScheduling",
      message,
      atMs: ms(c?.lastTransitionTime) ?? created,
    });
  }
  if (status.reason === "Evicted") out.push({ category: "Evicted", severity: "warning", reason: "Evicted", message: status.message ?? "" });
  else if (phase === "Failed")
    out.push({
      category: "Failed",
      severity: "critical",
      reason: status.reason || "Failed",
      message: status.message ?? "Pod in Failed phase",
    });

  for (const s of status.containerStatuses ?? []) out.push(...containerDrafts(pod, s, now, created));
  for (const s of status.initContainerStatuses ?? []) {
    const w = s.state?.waiting;
    const t = s.state?.terminated;
    if ((w && w.reason !== "PodInitializing") || (t && t.exitCode !== 0)) {
      out.push({
        category: "InitContainerError",
        severity: "critical",
        reason: w?.reason ?? t?.reason ?? "Error",
        message: w ? (w.message ?? "") : `Init container exited with code ${t!.exitCode}`,
        container: s.name,
        count: s.restartCount,
        isRecurring: s.restartCount > 1,
        atMs: ms(s.lastState?.terminated?.finishedAt ?? t?.finishedAt),
      });
    }
  }
  const ready = status.conditions?.find((c) => c.type === "Ready");
  const finished = phase === "Succeeded" || phase === "Failed";
  const since = ms(ready?.lastTransitionTime);
  if (ready && ready.status !== "True" && !finished && since !== undefined && now - since > NOT_READY_AFTER_MS) {
    out.push({
      category: "Unhealthy",
      severity: "warning",
      reason: "NotReady",
      message: `Pod not ready for ${Math.round((now - since) / 60_000)}m`,
      atMs: since,
    });
  }
  return out;
}

function containerDrafts(pod: V1Pod, s: V1ContainerStatus, now: number, created: number): Draft[] {
  const out: Draft[] = [];
  const base = { container: s.name };
  const w = s.state?.waiting;
  const last = s.lastState?.terminated;
  if (w?.reason) {
    const r = w.reason;
    if (r === "CrashLoopBackOff")
      out.push({
        ...base,
        category: "CrashLoopBackOff",
        severity: "critical",
        reason: r,
        message: w.message ?? "",
        count: s.restartCount,
        isRecurring: true,
      });
    else if (["ImagePullBackOff", "ErrImagePull", "InvalidImageName", "ErrImageNeverPull"].includes(r))
      out.push({ ...base, category: "ImagePullError", severity: "critical", reason: r, message: w.message ?? "" });
    else if (r === "CreateContainerConfigError" || r === "CreateContainerError")
      out.push({ ...base, category: "ConfigurationError", severity: "critical", reason: r, message: w.message ?? "" });
    else if (!((r === "ContainerCreating" || r === "PodInitializing") && now - created < CREATING_AFTER_MS))
      out.push({ ...base, category: "Unhealthy", severity: "warning", reason: r, message: w.message ?? "" });
  }
  const t = s.state?.terminated;
  if (t && t.exitCode !== 0) {
    const oom = t.reason === "OOMKilled";
    out.push({
      ...base,
      category: oom ? "OOMKilled" : "Failed",
      severity: oom ? "critical" : "warning",
      reason: t.reason ?? "Error",
      message: oom ? "Container killed due to Out Of Memory" : `Container terminated with exit code ${t.exitCode}`,
      atMs: ms(t.finishedAt),
    });
  } else if (last?.reason === "OOMKilled" && now - (ms(last.finishedAt) ?? 0) <= RECENT_OOM_MS) {
    out.push({
      ...base,
      category: "OOMKilled",
      // Still crash-looping is critical; a container that came back and runs is a warning.
      severity: w ? "critical" : "warning",
      reason: "OOMKilled",
      message: `Container was OOM-killed (exit ${last.exitCode}) and restarted ${s.restartCount} times`,
      count: s.restartCount,
      isRecurring: s.restartCount > 1,
      atMs: ms(last.finishedAt),
    });
  }
  if (out.length === 0 && s.restartCount > HIGH_RESTARTS)
    out.push({
      ...base,
      category: "Unhealthy",
      severity: "warning",
      reason: "HighRestartCount",
      message: `Container has restarted ${s.restartCount} times`,
      count: s.restartCount,
      isRecurring: true,
      atMs: ms(last?.finishedAt),
    });
  return out;
}

/** The pod's issues, dated by its Warning events of the matching reasons, else by its status. */
export function detectPodIssues(pod: V1Pod, now: number, eventsOf: (pod: V1Pod) => CoreV1Event[]): DetectedIssue[] {
  const found = drafts(pod, now);
  if (found.length === 0) return [];
  const warnings = eventsOf(pod).filter((e) => e.type === "Warning");
  return found.map((d) => {
    const related = warnings.filter((e) => EVENT_REASONS[d.category].includes(e.reason ?? ""));
    const firsts = related.map(eventFirstSeen).filter((x): x is number => x !== undefined);
    const lasts = related.map(eventLastSeen).filter((x): x is number => x !== undefined);
    const firstMs = firsts.length ? Math.min(...firsts) : d.atMs;
    const lastMs = lasts.length ? Math.max(...lasts, d.atMs ?? 0) : d.atMs;
    return {
      podName: pod.metadata?.name ?? "",
      namespace: pod.metadata?.namespace ?? "",
      category: d.category,
      severity: d.severity,
      reason: d.reason,
      message: d.message,
      count:
        d.count ??
        Math.max(
          1,
          related.reduce((n, e) => n + eventCount(e), 0),
        ),
      ...(iso(firstMs) ? { firstSeen: iso(firstMs)! } : {}),
      ...(iso(lastMs) ? { lastSeen: iso(lastMs)! } : {}),
      isRecurring: d.isRecurring ?? false,
      ...(pod.spec?.nodeName ? { nodeName: pod.spec.nodeName } : {}),
      ...(d.container ? { containerName: d.container } : {}),
      firstMs,
      lastMs,
    };
  });
}

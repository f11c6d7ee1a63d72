// GET /pods/{ns}/{pod}/health-score: the seed's five weighted components (restarts 0.30, container states
// 0.25, events of the last 24 h 0.20, conditions 0.15, uptime 0.10), overall = round(Σ score·weight / Σ weight),
// with every age and window in cluster time (the seed used time.Now()). Differences, each a fix: init
// containers count (an Init:CrashLoopBackOff pod is not "healthy"), event times use series/eventTime when
// lastTimestamp is absent, and recent events are listed newest first.
import type { V1ContainerStatus, V1Pod } from "@kubernetes/client-node";
import type { PodHealthScore } from "@vigil/contracts";
import type { AnalysisContext } from "../analyzer-definition.js";
import { eventCount, eventLastSeen, ms } from "../evidence.js";
import { formatUptime } from "./durations.js";
import { podEventsOf } from "./pod-events.js";

type Component = PodHealthScore["components"][string];
type Details = PodHealthScore["details"];

const DAY_MS = 24 * 3_600_000;

export function componentStatus(score: number): string {
  if (score >= 90) return "Excellent";
  if (score >= 70) return "Good";
  if (score >= 50) return "Fair";
  if (score >= 30) return "Poor";
  return "Critical";
}

export function overallStatus(score: number): PodHealthScore["status"] {
  if (score >= 90) return "Healthy";
  if (score >= 70) return "Good";
  if (score >= 50) return "Warning";
  if (score >= 30) return "Degraded";
  return "Critical";
}

const component = (name: string, score: number, weight: number, description: string): Component => ({
  name,
  score,
  weight,
  status: componentStatus(score),
  description,
});

/** An init container that finished (exit 0), or a sidecar that runs, is as it should be. */
const initFailing = (s: V1ContainerStatus): boolean =>
  (!!s.state?.waiting && s.state.waiting.reason !== "PodInitializing") || (!!s.state?.terminated && s.state.terminated.exitCode !== 0);

function restartsComponent(statuses: V1ContainerStatus[], ageMs: number, details: Details): Component {
  const restarts = statuses.reduce((n, s) => n + s.restartCount, 0);
  let score = restarts === 0 ? 100 : restarts <= 2 ? 85 : restarts <= 5 ? 70 : restarts <= 10 ? 50 : restarts <= 20 ? 30 : 10;
  if (ageMs > 0 && restarts > 0) {
    const perHour = restarts / (ageMs / 3_600_000);
    if (perHour > 1) score = Math.max(Math.floor(score * 0.5), 10);
    details.restartFrequency = `${perHour.toFixed(2)} restarts/hour`;
  }
  details.restartCount = restarts;
  return component("Container Restarts", score, 0.3, `${restarts} total restarts`);
}

function statesComponent(pod: V1Pod, details: Details): Component {
  const app = pod.status?.containerStatuses ?? [];
  const inits = (pod.status?.initContainerStatuses ?? []).filter(initFailing);
  let score = 100;
  let unhealthy = 0;
  for (const s of [...inits, ...app]) {
    const row: Details["containerStatuses"][number] = { name: s.name, state: "Unknown", ready: s.ready, restartCount: s.restartCount };
    if (s.state?.running) row.state = "Running";
    else if (s.state?.waiting) {
      row.state = "Waiting";
      if (s.state.waiting.reason) row.reason = s.state.waiting.reason;
      unhealthy++;
      const r = s.state.waiting.reason ?? "";
      score = Math.min(score, r === "CrashLoopBackOff" || r === "Error" ? 20 : r === "ImagePullBackOff" || r === "ErrImagePull" ? 30 : 50);
    } else if (s.state?.terminated) {
      row.state = "Terminated";
      if (s.state.terminated.reason) row.reason = s.state.terminated.reason;
      row.exitCode = s.state.terminated.exitCode;
      unhealthy++;
      if (s.state.terminated.exitCode !== 0) score = Math.min(score, 40);
    }
    details.containerStatuses.push(row);
  }
  if (unhealthy === 0 && app.length > 0) score = Math.floor((app.filter((s) => s.ready).length / app.length) * 100);
  const total = app.length + inits.length;
  return component("Container States", score, 0.25, `${total - unhealthy}/${total} containers healthy`);
}

function eventsComponent(ctx: AnalysisContext, pod: V1Pod, details: Details): Component {
  let score = 100;
  let warnings = 0;
  const grouped = new Map<string, Details["recentEvents"][number] & { lastMs: number }>();
  for (const e of podEventsOf(ctx, pod)) {
    const last = eventLastSeen(e) ?? 0;
    if (ctx.now - last > DAY_MS) continue;
    const key = `${e.type}:${e.reason}`;
    const g = grouped.get(key);
    if (g) {
      g.count += eventCount(e);
      if (last > g.lastMs) Object.assign(g, { lastMs: last, lastSeen: new Date(last).toISOString(), message: e.message ?? "" });
    } else {
      grouped.set(key, {
        type: e.type ?? "Normal",
        reason: e.reason ?? "",
        message: e.message ?? "",
        count: eventCount(e),
        lastSeen: new Date(last).toISOString(),
        lastMs: last,
      });
    }
    if (e.type !== "Warning") continue;
    warnings++;
    const r = e.reason ?? "";
    score = Math.min(
      score,
      ["Failed", "FailedScheduling", "FailedMount"].includes(r)
        ? 30
        : ["BackOff", "CrashLoopBackOff"].includes(r)
          ? 40
          : r === "Unhealthy"
            ? 50
            : 70,
    );
  }
  details.recentEvents = [...grouped.values()].sort((a, b) => b.lastMs - a.lastMs).map(({ lastMs: _lastMs, ...e }) => e);
  return component("Recent Events", score, 0.2, `${warnings} warning events in last 24h`);
}

function conditionsComponent(pod: V1Pod, details: Details): Component {
  const penalty: Record<string, number> = { Ready: 50, PodScheduled: 30, ContainersReady: 60, Initialized: 70 };
  let score = 100;
  let failed = 0;
  const conditions = pod.status?.conditions ?? [];
  for (const c of conditions) {
    details.podConditions.push({
      type: c.type,
      status: c.status,
      ...(c.reason ? { reason: c.reason } : {}),
      ...(c.message ? { message: c.message } : {}),
    });
    const p = penalty[c.type];
    if (c.status !== "True" && p !== undefined) {
      score = Math.min(score, p);
      failed++;
    }
  }
  return component("Pod Conditions", score, 0.15, `${conditions.length - failed}/${conditions.length} conditions healthy`);
}

function uptimeComponent(ctx: AnalysisContext, statuses: V1ContainerStatus[], ageMs: number, details: Details): Component {
  let score = 100;
  let lastRestart: number | undefined;
  for (const s of statuses) {
    const started = ms(s.state?.running?.startedAt);
    if (started !== undefined && ageMs > 0) {
      const ratio = (ctx.now - started) / ageMs;
      score = Math.min(score, ratio < 0.5 ? 50 : ratio < 0.8 ? 70 : ratio < 0.95 ? 85 : 100);
    }
    const t = s.lastState?.terminated;
    const finished = ms(t?.finishedAt);
    if (t && finished !== undefined && (lastRestart === undefined || finished > lastRestart)) {
      lastRestart = finished;
      details.lastRestartTime = new Date(finished).toISOString();
      if (t.reason) details.lastRestartReason = t.reason;
    }
  }
  details.uptime = formatUptime(ageMs);
  return component("Uptime/Stability", score, 0.1, `Pod age: ${details.uptime}`);
}

export function podHealthScoreView(ctx: AnalysisContext, pod: V1Pod): PodHealthScore {
  const ageMs = Math.max(0, ctx.now - (ms(pod.metadata?.creationTimestamp) ?? ctx.now));
  const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  const details: Details = { restartCount: 0, uptime: "", containerStatuses: [], recentEvents: [], podConditions: [] };
  const components: Record<string, Component> = {
    restarts: restartsComponent(statuses, ageMs, details),
    containerStates: statesComponent(pod, details),
    events: eventsComponent(ctx, pod, details),
    conditions: conditionsComponent(pod, details),
    uptime: uptimeComponent(ctx, pod.status?.containerStatuses ?? [], ageMs, details),
  };
  const parts = Object.values(components);
  const weight = parts.reduce((n, c) => n + c.weight, 0);
  const overallScore = Math.round(parts.reduce((n, c) => n + c.score * c.weight, 0) / weight);
  return {
    podName: pod.metadata?.name ?? "",
    namespace: pod.metadata?.namespace ?? "",
    overallScore,
    status: overallStatus(overallScore),
    components,
    calculatedAt: new Date(ctx.now).toISOString(),
    details,
  };
}

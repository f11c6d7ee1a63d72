// What every pod analyzer reads the same way: containers (init and app) with their spec and status, the pod's
// events (optionally one container's), readiness, and the fields worth citing. Kept in one place so the
// analyzers agree on, say, which container an event is about.
import type { CoreV1Event, V1Container, V1ContainerStatus, V1Pod } from "@kubernetes/client-node";
import type { AnalysisContext } from "../../analyzer-definition.js";
import { eventLastSeen, ms } from "../../evidence.js";

export interface ContainerFacts {
  name: string;
  /** Init containers run (and fail) before the app containers: "Init:CrashLoopBackOff". */
  init: boolean;
  spec: V1Container | undefined;
  status: V1ContainerStatus;
}

/** Every container with a status, init containers first (the order kubelet runs them). */
export function containersOf(pod: V1Pod): ContainerFacts[] {
  const specs = new Map<string, V1Container>();
  for (const c of [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])]) specs.set(c.name, c);
  const facts = (statuses: V1ContainerStatus[] | undefined, init: boolean): ContainerFacts[] =>
    (statuses ?? []).map((status) => ({ name: status.name, init, spec: specs.get(status.name), status }));
  return [...facts(pod.status?.initContainerStatuses, true), ...facts(pod.status?.containerStatuses, false)];
}

/** "init container db-migrate" or "container api": how a summary names it. */
export const describeContainer = (c: ContainerFacts): string => `${c.init ? "init container" : "container"} ${c.name}`;

export const podName = (pod: V1Pod): string => `${pod.metadata?.namespace ?? ""}/${pod.metadata?.name ?? ""}`;

/** The pod's events, oldest first, from the cache's involved-object index. */
export function podEvents(pod: V1Pod, ctx: AnalysisContext): CoreV1Event[] {
  const meta = pod.metadata;
  if (!meta?.name) return [];
  return ctx.cache.eventsFor({ kind: "Pod", name: meta.name, namespace: meta.namespace, uid: meta.uid });
}

/** Events about one container (kubelet sets fieldPath `spec.containers{name}` / `spec.initContainers{name}`). */
export function containerEvents(events: readonly CoreV1Event[], container: string): CoreV1Event[] {
  const suffix = `{${container}}`;
  return events.filter((e) => e.involvedObject?.fieldPath?.endsWith(suffix));
}

/** Events with one of these reasons (exact match), newest last. */
export const withReason = (events: readonly CoreV1Event[], ...reasons: string[]): CoreV1Event[] =>
  events.filter((e) => reasons.includes(e.reason ?? ""));

/** The newest of some events, by when they last happened. */
export function newest(events: readonly CoreV1Event[]): CoreV1Event | undefined {
  let best: CoreV1Event | undefined;
  for (const e of events) if (!best || (eventLastSeen(e) ?? 0) >= (eventLastSeen(best) ?? 0)) best = e;
  return best;
}

/** Whether an event last happened within `windowMs` of cluster time. */
export const isRecent = (e: CoreV1Event, ctx: AnalysisContext, windowMs: number): boolean => {
  const last = eventLastSeen(e);
  return last !== undefined && ctx.now - last <= windowMs;
};

export const isPodReady = (pod: V1Pod): boolean => pod.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") === true;

/** A pod that finished (Job pods that succeeded or failed as designed) or that its node evicted: no container trouble to report. */
export const isFinished = (pod: V1Pod): boolean => pod.status?.phase === "Succeeded" || pod.status?.phase === "Failed";

/** A pod being deleted: its containers stopping is expected, not a failure. */
export const isDeleting = (pod: V1Pod): boolean =>
  pod.metadata?.deletionTimestamp !== undefined && pod.metadata?.deletionTimestamp !== null;

/** Seconds between two model timestamps, or undefined. */
export function secondsBetween(from: Date | string | undefined, to: Date | string | undefined): number | undefined {
  const a = ms(from);
  const b = ms(to);
  return a === undefined || b === undefined ? undefined : Math.round((b - a) / 1000);
}

/** How a human reads a duration: 45s, 12m, 3h10m. */
export function humanDuration(msValue: number): string {
  const s = Math.max(0, Math.round(msValue / 1000));
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 120) return `${m}m`;
  const h = Math.floor(m / 60);
  return m % 60 ? `${h}h${m % 60}m` : `${h}h`;
}

/** Trouble seen in the last few minutes is "current"; older events describe a past the pod may have left. */
export const RECENT_MS = 5 * 60_000;

/** The Deployment behind a pod (Pod → ReplicaSet → Deployment), from the cache; undefined for other owners. */
export function owningDeployment(pod: V1Pod, ctx: AnalysisContext): { name: string; namespace: string } | undefined {
  const rsRef = pod.metadata?.ownerReferences?.find((o) => o.controller && o.kind === "ReplicaSet");
  const namespace = pod.metadata?.namespace;
  if (!rsRef || !namespace) return undefined;
  const rs = ctx.cache.get({ kind: "ReplicaSet", namespace, name: rsRef.name });
  const dep = rs?.metadata?.ownerReferences?.find((o) => o.controller && o.kind === "Deployment");
  return dep ? { name: dep.name, namespace } : undefined;
}

const REVISION = "deployment.kubernetes.io/revision";

/**
 * Whether the pod belongs to the newest revision of a Deployment while an older revision still has ready pods:
 * a failure of the new release, which a rollback undoes (and a restart does not).
 */
export function newRevisionFailing(
  pod: V1Pod,
  ctx: AnalysisContext,
): { deployment: string; revision: string; previousReady: number } | undefined {
  const dep = owningDeployment(pod, ctx);
  const rsName = pod.metadata?.ownerReferences?.find((o) => o.controller && o.kind === "ReplicaSet")?.name;
  if (!dep || !rsName) return undefined;
  const deployment = ctx.cache.get({ kind: "Deployment", namespace: dep.namespace, name: dep.name });
  if (!deployment?.metadata?.uid) return undefined;
  const sets = ctx.cache.store("ReplicaSet").byOwner(deployment.metadata.uid);
  const revisionOf = (name: string): number => Number(sets.find((s) => s.metadata?.name === name)?.metadata?.annotations?.[REVISION] ?? 0);
  const mine = revisionOf(rsName);
  if (mine === 0 || sets.some((s) => revisionOf(s.metadata?.name ?? "") > mine)) return undefined;
  const previousReady = sets.filter((s) => s.metadata?.name !== rsName).reduce((n, s) => n + (s.status?.readyReplicas ?? 0), 0);
  return previousReady > 0 ? { deployment: dep.name, revision: String(mine), previousReady } : undefined;
}

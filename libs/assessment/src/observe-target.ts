// Takes a TargetSnapshot from the informer caches and metrics.k8s.io: the owner of the incident (its pods,
// rollout, node, volume, HPA) as it is at `now`. The service takes one when the execution arrives (the
// baseline, right after the change) and one at assessment; the health component compares them. Reads only
// caches, so a thousand assessments due at once cost no API request. `firingAlerts` is left empty: the alert
// history fills it.
import type {
  V1Container,
  V1ContainerStatus,
  V1DaemonSet,
  V1Deployment,
  V2HorizontalPodAutoscaler,
  V1Node,
  V1Pod,
  V1ReplicaSet,
  V1StatefulSet,
} from "@kubernetes/client-node";
import type { ResourceRef } from "@vigil/contracts";
import { bytesOf, cpuCores, isKindName, type UsageSource } from "@vigil/kube";
import type { AssessmentSubject } from "./assessment-context.js";
import { type ClusterReader, lastSeen, warningEventsAbout } from "./owner-events.js";
import { podsOf } from "./owner-scope.js";
import type { ContainerSnapshot, PodSnapshot, TargetSnapshot } from "./target-snapshot.js";

export type { ClusterReader };

export interface ObserveSources {
  cluster: ClusterReader;
  usage: UsageSource;
}

/** Warning events counted in a snapshot: the 10 minutes before it, as `kubectl describe` shows them. */
export const DEFAULT_WARNING_WINDOW_MS = 10 * 60_000;

/** Owner kinds whose pods are the owner's (through ownerReferences). */
const POD_OWNER_KINDS = new Set(["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob", "Pod"]);

export const isoOf = (t: Date | string | undefined | null): string | undefined =>
  t === undefined || t === null ? undefined : t instanceof Date ? t.toISOString() : new Date(t).toISOString();

/** A cached object by a contracts ResourceRef (whose kind is any string); undefined for kinds the cache does not know. */
export function cachedObject(cluster: ClusterReader, ref: ResourceRef): unknown {
  if (!isKindName(ref.kind)) return undefined;
  return cluster.get({ kind: ref.kind, name: ref.name, ...(ref.namespace ? { namespace: ref.namespace } : {}) });
}

export function observeTarget(
  sources: ObserveSources,
  subject: AssessmentSubject,
  now: number,
  opts: { warningWindowMs?: number } = {},
): TargetSnapshot {
  const { cluster, usage } = sources;
  const owner = subject.owner;
  const ownerObject = cachedObject(cluster, owner);
  const pods = POD_OWNER_KINDS.has(owner.kind) ? podsOf(cluster, owner).map((p) => podSnapshot(p, usage)) : [];
  const workload = ownerObject ? observeWorkload(owner.kind, ownerObject) : undefined;
  const node = owner.kind === "Node" && ownerObject ? nodeSnapshot(ownerObject) : undefined;
  const volume = volumeSnapshot(usage, subject);
  const hpa = hpaSnapshot(cluster, subject);
  const windowMs = opts.warningWindowMs ?? DEFAULT_WARNING_WINDOW_MS;
  const warnings = warningEventsAbout(cluster, subject).filter((e) => {
    const t = lastSeen(e);
    return t >= now - windowMs && t <= now;
  });
  return {
    at: new Date(now).toISOString(),
    exists: ownerObject !== undefined,
    pods,
    ...(workload ? { workload } : {}),
    ...(node ? { node } : {}),
    ...(volume ? { volume } : {}),
    ...(hpa ? { hpa } : {}),
    firingAlerts: [],
    warningEvents: warnings.length,
  };
}

type Workload = NonNullable<TargetSnapshot["workload"]>;

/**
 * Rollout figures of a pod controller, complete as `kubectl rollout status` judges it: the controller has seen the
 * latest spec, every desired pod runs the new template, no old pod is left, and all are available and ready.
 */
function observeWorkload(kind: string, obj: unknown): Workload | undefined {
  const figures = (
    desired: number,
    ready: number,
    updated: number,
    available: number,
    meta: { generation?: number },
    observed?: number,
  ) => ({
    kind,
    desired,
    ready,
    updated,
    available,
    generation: meta.generation ?? 0,
    observedGeneration: observed ?? 0,
  });
  switch (kind) {
    case "Deployment": {
      const d = obj as V1Deployment;
      const s = d.status ?? {};
      const w = figures(
        d.spec?.replicas ?? 1,
        s.readyReplicas ?? 0,
        s.updatedReplicas ?? 0,
        s.availableReplicas ?? 0,
        d.metadata ?? {},
        s.observedGeneration,
      );
      const stalled = s.conditions?.find(
        (c) => c.type === "Progressing" && c.status === "False" && c.reason === "ProgressDeadlineExceeded",
      );
      const oldLeft = (s.replicas ?? 0) > w.updated;
      return {
        ...w,
        rolloutComplete: seen(w) && w.updated >= w.desired && !oldLeft && w.available >= w.updated && w.ready >= w.desired,
        ...(stalled ? { rolloutFailed: `ProgressDeadlineExceeded: ${stalled.message ?? "the rollout made no progress"}` } : {}),
      };
    }
    case "StatefulSet": {
      const st = obj as V1StatefulSet;
      const s = st.status ?? { replicas: 0 };
      const w = figures(
        st.spec?.replicas ?? 1,
        s.readyReplicas ?? 0,
        s.updatedReplicas ?? 0,
        s.availableReplicas ?? s.readyReplicas ?? 0,
        st.metadata ?? {},
        s.observedGeneration,
      );
      const sameRevision = !s.updateRevision || s.currentRevision === s.updateRevision;
      return { ...w, rolloutComplete: seen(w) && w.updated >= w.desired && w.ready >= w.desired && sameRevision };
    }
    case "DaemonSet": {
      const ds = obj as V1DaemonSet;
      const s = ds.status;
      const w = figures(
        s?.desiredNumberScheduled ?? 0,
        s?.numberReady ?? 0,
        s?.updatedNumberScheduled ?? 0,
        s?.numberAvailable ?? 0,
        ds.metadata ?? {},
        s?.observedGeneration,
      );
      return { ...w, rolloutComplete: seen(w) && w.updated >= w.desired && w.available >= w.desired && w.ready >= w.desired };
    }
    case "ReplicaSet": {
      const rs = obj as V1ReplicaSet;
      const s = rs.status ?? { replicas: 0 };
      const w = figures(
        rs.spec?.replicas ?? 1,
        s.readyReplicas ?? 0,
        s.replicas ?? 0,
        s.availableReplicas ?? 0,
        rs.metadata ?? {},
        s.observedGeneration,
      );
      return { ...w, rolloutComplete: seen(w) && w.ready >= w.desired };
    }
    default:
      return undefined;
  }
}

/** The controller has observed the latest spec (its status describes what the action wrote). */
const seen = (w: { generation: number; observedGeneration: number }): boolean => w.observedGeneration >= w.generation;

function podSnapshot(pod: V1Pod, usage: UsageSource): PodSnapshot {
  const namespace = pod.metadata?.namespace ?? "default";
  const name = pod.metadata?.name ?? "";
  const measured = usage.pod(namespace, name);
  const statuses = new Map((pod.status?.containerStatuses ?? []).map((s) => [s.name, s]));
  const containers = (pod.spec?.containers ?? []).map((c) =>
    containerSnapshot(c, statuses.get(c.name), measured.available ? measured.value.containers.find((u) => u.name === c.name) : undefined),
  );
  return {
    uid: pod.metadata?.uid ?? "",
    name,
    namespace,
    ...(pod.spec?.nodeName ? { node: pod.spec.nodeName } : {}),
    ...(pod.status?.phase ? { phase: pod.status.phase } : {}),
    ready: pod.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false,
    deleting: pod.metadata?.deletionTimestamp != null,
    ...(pod.metadata?.creationTimestamp ? { createdAt: isoOf(pod.metadata.creationTimestamp)! } : {}),
    containers,
  };
}

/** A quantity from a pod spec; a malformed one (the API server would not have stored it) reads as absent. */
const quantity = (q: string | undefined, as: (q: string) => number): number | undefined => {
  if (q === undefined) return undefined;
  try {
    return as(q);
  } catch {
    return undefined;
  }
};

function containerSnapshot(
  spec: V1Container,
  status: V1ContainerStatus | undefined,
  measured: { memoryBytes: number; cpuCores: number } | undefined,
): ContainerSnapshot {
  const terminated = status?.lastState?.terminated;
  const memoryLimit = quantity(spec.resources?.limits?.["memory"], bytesOf);
  const cpuLimit = quantity(spec.resources?.limits?.["cpu"], cpuCores);
  return {
    name: spec.name,
    ready: status?.ready ?? false,
    restarts: status?.restartCount ?? 0,
    ...(status?.state?.waiting?.reason ? { waitingReason: status.state.waiting.reason } : {}),
    ...(terminated?.reason ? { lastTerminationReason: terminated.reason } : {}),
    ...(terminated?.finishedAt ? { lastTerminatedAt: isoOf(terminated.finishedAt)! } : {}),
    ...(memoryLimit !== undefined ? { memoryLimitBytes: memoryLimit } : {}),
    ...(cpuLimit !== undefined ? { cpuLimitCores: cpuLimit } : {}),
    ...(measured ? { memoryWorkingSetBytes: measured.memoryBytes, cpuUsageCores: measured.cpuCores } : {}),
  };
}

const PRESSURE = new Set(["MemoryPressure", "DiskPressure", "PIDPressure", "NetworkUnavailable"]);

function nodeSnapshot(node: V1Node): NonNullable<TargetSnapshot["node"]> {
  const conditions = node.status?.conditions ?? [];
  return {
    name: node.metadata?.name ?? "",
    ready: conditions.some((c) => c.type === "Ready" && c.status === "True"),
    unschedulable: node.spec?.unschedulable === true,
    pressure: conditions.filter((c) => PRESSURE.has(c.type) && c.status === "True").map((c) => c.type),
  };
}

/** The PVC the action was about (expand_pvc, a repair job on a claim), or the owner when it is one. */
function volumeSnapshot(usage: UsageSource, subject: AssessmentSubject): TargetSnapshot["volume"] {
  const claim = [subject.target, subject.owner].find((r) => r.kind === "PersistentVolumeClaim");
  if (!claim) return undefined;
  const answer = usage.volume(claim.namespace ?? "default", claim.name);
  if (!answer.available) return undefined;
  return { claim: claim.name, usedBytes: answer.value.usedBytes, capacityBytes: answer.value.capacityBytes };
}

/** The HPA scaling the owner (or the HPA itself when update_hpa targeted it). */
function hpaSnapshot(cluster: ClusterReader, subject: AssessmentSubject): TargetSnapshot["hpa"] {
  const { owner, target } = subject;
  let hpa: V2HorizontalPodAutoscaler | undefined;
  const direct = [target, owner].find((r) => r.kind === "HorizontalPodAutoscaler");
  if (direct) hpa = cachedObject(cluster, direct) as V2HorizontalPodAutoscaler | undefined;
  else if (owner.namespace && ["Deployment", "StatefulSet", "ReplicaSet"].includes(owner.kind))
    hpa = cluster
      .store("HorizontalPodAutoscaler")
      .list({ namespace: owner.namespace })
      .find((h) => h.spec?.scaleTargetRef?.kind === owner.kind && h.spec.scaleTargetRef.name === owner.name);
  if (!hpa) return undefined;
  const current = hpa.status?.currentReplicas ?? 0;
  const desired = hpa.status?.desiredReplicas ?? 0;
  const max = hpa.spec?.maxReplicas ?? 0;
  // Pinned = at the maximum and wanting more. ScalingLimited is also True at the minimum (TooFewReplicas) or when
  // a scale-up rate limit applies: neither says the ceiling is too low.
  const limited = hpa.status?.conditions?.some((c) => c.type === "ScalingLimited" && c.status === "True" && c.reason === "TooManyReplicas");
  return {
    name: hpa.metadata?.name ?? "",
    current,
    desired,
    min: hpa.spec?.minReplicas ?? 1,
    max,
    pinned: (current >= max && desired >= max) || limited === true,
  };
}

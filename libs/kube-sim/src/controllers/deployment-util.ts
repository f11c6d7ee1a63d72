// deploymentutil: revision and replica annotations, rolling-update fenceposts, replica set arithmetic and the
// Deployment condition helpers, with upstream's semantics (kubectl rollout status/undo/history rely on them).
import type { KubeObject } from "../types.js";
import { scaledValue } from "./int-or-percent.js";
import { byCreation } from "./owner.js";
import { equalIgnoreHash } from "./pod-template.js";

export const REVISION = "deployment.kubernetes.io/revision";
export const REVISION_HISTORY = "deployment.kubernetes.io/revision-history";
export const DESIRED_REPLICAS = "deployment.kubernetes.io/desired-replicas";
export const MAX_REPLICAS = "deployment.kubernetes.io/max-replicas";
const MAX_REV_HISTORY_CHARS = 2000;
// Annotations the deployment controller never copies from a Deployment to its ReplicaSets.
const SKIP_COPY = new Set([
  "kubectl.kubernetes.io/last-applied-configuration",
  REVISION,
  REVISION_HISTORY,
  DESIRED_REPLICAS,
  MAX_REPLICAS,
  "deprecated.deployment.rollback.to",
]);

export const isRollingUpdate = (d: KubeObject): boolean => (d.spec.strategy?.type ?? "RollingUpdate") === "RollingUpdate";

/** ResolveFenceposts: surge rounds up, unavailable rounds down; both zero resolves to unavailable 1. */
export const fenceposts = (d: KubeObject): { surge: number; unavailable: number } => {
  const ru = d.spec.strategy?.rollingUpdate ?? {};
  const desired = d.spec.replicas ?? 1;
  const surge = scaledValue(ru.maxSurge, desired, true, 0);
  let unavailable = scaledValue(ru.maxUnavailable, desired, false, 0);
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return { surge, unavailable };
};

export const maxSurge = (d: KubeObject): number => (isRollingUpdate(d) ? fenceposts(d).surge : 0);

export const maxUnavailable = (d: KubeObject): number => {
  const desired = d.spec.replicas ?? 1;
  if (!isRollingUpdate(d) || desired === 0) return 0;
  return Math.min(fenceposts(d).unavailable, desired);
};

export const specReplicas = (rs: KubeObject | undefined): number => rs?.spec?.replicas ?? 0;
export const sum = (list: Array<KubeObject | undefined>, f: (rs: KubeObject) => number): number =>
  list.reduce((n, rs) => n + (rs ? f(rs) : 0), 0);
export const replicaCount = (list: Array<KubeObject | undefined>): number => sum(list, specReplicas);
export const actualCount = (list: Array<KubeObject | undefined>): number => sum(list, (rs) => rs.status?.replicas ?? 0);
export const readyCount = (list: Array<KubeObject | undefined>): number => sum(list, (rs) => rs.status?.readyReplicas ?? 0);
export const availableCount = (list: Array<KubeObject | undefined>): number => sum(list, (rs) => rs.status?.availableReplicas ?? 0);
export const filterActive = (list: Array<KubeObject | undefined>): KubeObject[] =>
  list.filter((rs): rs is KubeObject => !!rs && specReplicas(rs) > 0);

/** FindNewReplicaSet: the oldest replica set whose template equals the Deployment's (ignoring the hash label). */
export const findNewRS = (d: KubeObject, rsList: KubeObject[]): KubeObject | undefined =>
  [...rsList].sort(byCreation).find((rs) => equalIgnoreHash(rs.spec?.template, d.spec.template));

export const revisionOf = (o: KubeObject | undefined): number => {
  const n = Number(o?.metadata.annotations?.[REVISION]);
  return Number.isInteger(n) ? n : 0;
};

export const maxRevision = (list: KubeObject[]): number => list.reduce((m, rs) => Math.max(m, revisionOf(rs)), 0);

/** SetReplicasAnnotations: returns whether anything changed. */
export const setReplicasAnnotations = (rs: KubeObject, desired: number, max: number): boolean => {
  const a = (rs.metadata.annotations ??= {});
  let changed = false;
  if (a[DESIRED_REPLICAS] !== String(desired)) {
    a[DESIRED_REPLICAS] = String(desired);
    changed = true;
  }
  if (a[MAX_REPLICAS] !== String(max)) {
    a[MAX_REPLICAS] = String(max);
    changed = true;
  }
  return changed;
};

export const replicasAnnotationsNeedUpdate = (rs: KubeObject, desired: number, max: number): boolean =>
  rs.metadata.annotations?.[DESIRED_REPLICAS] !== String(desired) || rs.metadata.annotations?.[MAX_REPLICAS] !== String(max);

/**
 * SetNewReplicaSetAnnotations: copies the Deployment's annotations, raises the revision (keeping the old one in
 * revision-history when an old replica set becomes new again, i.e. a rollback) and, for a new replica set, the
 * replica annotations. Returns whether anything changed.
 */
export function setNewReplicaSetAnnotations(d: KubeObject, rs: KubeObject, newRevision: number, exists: boolean): boolean {
  const a = (rs.metadata.annotations ??= {});
  let changed = false;
  for (const [k, v] of Object.entries(d.metadata.annotations ?? {})) {
    if (SKIP_COPY.has(k) || a[k] === v) continue;
    a[k] = v;
    changed = true;
  }
  const oldRevision = a[REVISION];
  const oldInt = oldRevision === undefined ? 0 : Number(oldRevision);
  if (!Number.isInteger(oldInt)) return changed;
  if (oldInt < newRevision) {
    a[REVISION] = String(newRevision);
    changed = true;
    if (oldRevision !== undefined) {
      const history = a[REVISION_HISTORY] ? a[REVISION_HISTORY].split(",") : [];
      history.push(oldRevision);
      while (history.join(",").length > MAX_REV_HISTORY_CHARS) history.shift();
      a[REVISION_HISTORY] = history.join(",");
    }
  }
  if (!exists && setReplicasAnnotations(rs, d.spec.replicas ?? 1, (d.spec.replicas ?? 1) + maxSurge(d))) changed = true;
  return changed;
}

// ---- conditions ----

export interface DeploymentCondition {
  type: string;
  status: "True" | "False" | "Unknown";
  lastUpdateTime: string;
  lastTransitionTime: string;
  reason: string;
  message: string;
}

export const newCondition = (
  type: string,
  status: DeploymentCondition["status"],
  reason: string,
  message: string,
  now: string,
): DeploymentCondition => ({ type, status, lastUpdateTime: now, lastTransitionTime: now, reason, message });

export const getCondition = (status: any, type: string): DeploymentCondition | undefined =>
  (status?.conditions as DeploymentCondition[] | undefined)?.find((c) => c.type === type);

/** SetDeploymentCondition: no change when status and reason are the same; keeps lastTransitionTime when status is. */
export const setCondition = (status: any, c: DeploymentCondition): void => {
  const current = getCondition(status, c.type);
  if (current && current.status === c.status && current.reason === c.reason) return;
  if (current && current.status === c.status) c = { ...c, lastTransitionTime: current.lastTransitionTime };
  status.conditions = [...((status.conditions as DeploymentCondition[] | undefined) ?? []).filter((x) => x.type !== c.type), c];
};

export const removeCondition = (status: any, type: string): void => {
  if (!status.conditions) return;
  status.conditions = (status.conditions as DeploymentCondition[]).filter((c) => c.type !== type);
};

export const hasProgressDeadline = (d: KubeObject): boolean =>
  d.spec.progressDeadlineSeconds !== undefined && d.spec.progressDeadlineSeconds !== null && d.spec.progressDeadlineSeconds !== 2147483647;

/** DeploymentComplete: every replica updated and available, and the latest generation observed. */
export const deploymentComplete = (d: KubeObject, s: any): boolean => {
  const want = d.spec.replicas ?? 1;
  return (
    (s.updatedReplicas ?? 0) === want &&
    (s.replicas ?? 0) === want &&
    (s.availableReplicas ?? 0) === want &&
    (s.observedGeneration ?? 0) >= (d.metadata.generation ?? 0)
  );
};

/** DeploymentProgressing: more updated, ready or available replicas, or fewer old ones, than last recorded. */
export const deploymentProgressing = (d: KubeObject, s: any): boolean => {
  const old = d.status ?? {};
  const oldOld = (old.replicas ?? 0) - (old.updatedReplicas ?? 0);
  const newOld = (s.replicas ?? 0) - (s.updatedReplicas ?? 0);
  return (
    (s.updatedReplicas ?? 0) > (old.updatedReplicas ?? 0) ||
    newOld < oldOld ||
    (s.readyReplicas ?? 0) > (old.readyReplicas ?? 0) ||
    (s.availableReplicas ?? 0) > (old.availableReplicas ?? 0)
  );
};

/** DeploymentTimedOut: no progress recorded for progressDeadlineSeconds. */
export const deploymentTimedOut = (d: KubeObject, s: any, now: number): boolean => {
  if (!hasProgressDeadline(d)) return false;
  const c = getCondition(s, "Progressing");
  if (!c || c.reason === "NewReplicaSetAvailable") return false;
  if (c.reason === "ProgressDeadlineExceeded") return true;
  return Date.parse(c.lastUpdateTime) + d.spec.progressDeadlineSeconds * 1000 < now;
};

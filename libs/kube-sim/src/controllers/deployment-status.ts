// Deployment status as the deployment controller computes it (calculateStatus, syncRolloutStatus,
// checkPausedConditions): replica counts summed over the replica sets, Available and Progressing conditions
// and the progress deadline. `kubectl rollout status` reads exactly these fields.
import type { KubeObject } from "../types.js";
import type { DeploymentContext } from "./deployment-context.js";
import {
  actualCount,
  availableCount,
  deploymentComplete,
  deploymentProgressing,
  deploymentTimedOut,
  getCondition,
  hasProgressDeadline,
  maxUnavailable,
  newCondition,
  readyCount,
  removeCondition,
  replicaCount,
  setCondition,
} from "./deployment-util.js";
import { canonicalJson } from "./pod-template.js";
import { clone } from "../json.js";

/** Status fields in the API's order; zero counts are omitted (omitempty), as the API server serializes them. */
export function calculateStatus(ctx: DeploymentContext, allRSs: Array<KubeObject | undefined>, newRS: KubeObject | undefined): any {
  const { d } = ctx;
  const all = ctx.freshAll(allRSs);
  const available = availableCount(all);
  const unavailable = Math.max(0, replicaCount(all) - available);
  const counts: Record<string, number> = {
    observedGeneration: d.metadata.generation ?? 0,
    replicas: actualCount(all),
    updatedReplicas: actualCount(ctx.freshAll([newRS])),
    readyReplicas: readyCount(all),
    availableReplicas: available,
    unavailableReplicas: unavailable,
  };
  const status: any = {};
  for (const [k, v] of Object.entries(counts)) if (v) status[k] = v;
  status.conditions = clone(d.status?.conditions ?? []);
  if (d.status?.collisionCount !== undefined) status.collisionCount = d.status.collisionCount;
  const now = ctx.timestamp();
  if (available >= ctx.replicas - maxUnavailable(d)) {
    setCondition(status, newCondition("Available", "True", "MinimumReplicasAvailable", "Deployment has minimum availability.", now));
  } else {
    setCondition(
      status,
      newCondition("Available", "False", "MinimumReplicasUnavailable", "Deployment does not have minimum availability.", now),
    );
  }
  return status;
}

const differs = (a: unknown, b: unknown): boolean => canonicalJson(a ?? {}) !== canonicalJson(b ?? {});

const write = (ctx: DeploymentContext, status: any): void => {
  if (status.conditions?.length === 0) delete status.conditions;
  if (!differs(ctx.d.status, status)) return;
  ctx.d.status = status;
  ctx.writeStatus();
};

/** syncDeploymentStatus: counts and Available only (scaling and paused deployments). */
export function syncDeploymentStatus(ctx: DeploymentContext, allRSs: Array<KubeObject | undefined>, newRS: KubeObject | undefined): void {
  write(ctx, calculateStatus(ctx, allRSs, newRS));
}

/** ReplicaFailure of the new replica set (or else an old one), as a Deployment condition. */
const replicaFailure = (ctx: DeploymentContext, allRSs: Array<KubeObject | undefined>, newRS: KubeObject | undefined) => {
  const candidates = ctx.freshAll([newRS, ...allRSs.filter((rs) => rs?.metadata.uid !== newRS?.metadata.uid)]);
  for (const rs of candidates) {
    const c = (rs.status?.conditions as any[] | undefined)?.find((x) => x.type === "ReplicaFailure");
    if (c)
      return {
        type: "ReplicaFailure",
        status: c.status,
        lastUpdateTime: c.lastTransitionTime,
        lastTransitionTime: c.lastTransitionTime,
        reason: c.reason,
        message: c.message,
      };
  }
  return undefined;
};

/** syncRolloutStatus: also judges progress against progressDeadlineSeconds. */
export function syncRolloutStatus(ctx: DeploymentContext, allRSs: Array<KubeObject | undefined>, newRS: KubeObject | undefined): void {
  const { d } = ctx;
  const status = calculateStatus(ctx, allRSs, newRS);
  if (!hasProgressDeadline(d)) removeCondition(status, "Progressing");
  const current = getCondition(d.status, "Progressing");
  const complete = (status.replicas ?? 0) === (status.updatedReplicas ?? 0) && current?.reason === "NewReplicaSetAvailable";
  const now = ctx.timestamp();
  const rsName = newRS?.metadata.name;
  if (hasProgressDeadline(d) && !complete) {
    if (deploymentComplete(d, status)) {
      const msg = rsName
        ? `ReplicaSet "${rsName}" has successfully progressed.`
        : `Deployment "${d.metadata.name}" has successfully progressed.`;
      setCondition(status, newCondition("Progressing", "True", "NewReplicaSetAvailable", msg, now));
    } else if (deploymentProgressing(d, status)) {
      // Progress refreshes lastUpdateTime even with the same reason: that is what the deadline counts from.
      const msg = rsName ? `ReplicaSet "${rsName}" is progressing.` : `Deployment "${d.metadata.name}" is progressing.`;
      const c = newCondition("Progressing", "True", "ReplicaSetUpdated", msg, now);
      if (current?.status === "True") c.lastTransitionTime = current.lastTransitionTime;
      removeCondition(status, "Progressing");
      setCondition(status, c);
    } else if (deploymentTimedOut(d, status, ctx.now())) {
      const msg = rsName
        ? `ReplicaSet "${rsName}" has timed out progressing.`
        : `Deployment "${d.metadata.name}" has timed out progressing.`;
      setCondition(status, newCondition("Progressing", "False", "ProgressDeadlineExceeded", msg, now));
    }
  }
  const failure = replicaFailure(ctx, allRSs, newRS);
  if (failure) setCondition(status, failure);
  else removeCondition(status, "ReplicaFailure");
  write(ctx, status);
}

/** checkPausedConditions: Progressing Unknown DeploymentPaused / DeploymentResumed. */
export function checkPausedConditions(ctx: DeploymentContext): void {
  const { d } = ctx;
  if (!hasProgressDeadline(d)) return;
  const c = getCondition(d.status, "Progressing");
  if (c?.reason === "ProgressDeadlineExceeded") return;
  const pausedCondExists = c?.reason === "DeploymentPaused";
  const status = clone(d.status ?? {});
  if (d.spec.paused && !pausedCondExists) {
    setCondition(status, newCondition("Progressing", "Unknown", "DeploymentPaused", "Deployment is paused", ctx.timestamp()));
  } else if (!d.spec.paused && pausedCondExists) {
    setCondition(status, newCondition("Progressing", "Unknown", "DeploymentResumed", "Deployment is resumed", ctx.timestamp()));
  } else {
    return;
  }
  ctx.d.status = status;
  ctx.writeStatus();
}

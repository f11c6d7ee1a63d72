// The deployment controller's strategies: RollingUpdate (surge the new replica set, scale old ones down as
// availability allows), Recreate (all old pods gone before the new replica set scales up), proportional scaling
// of a Deployment resized mid-rollout, and revisionHistoryLimit cleanup. Ported from rolling.go, recreate.go
// and sync.go of kube-controller-manager.
import type { KubeObject } from "../types.js";
import type { DeploymentContext } from "./deployment-context.js";
import {
  MAX_REPLICAS,
  DESIRED_REPLICAS,
  availableCount,
  filterActive,
  isRollingUpdate,
  maxSurge,
  maxUnavailable,
  replicaCount,
  revisionOf,
  specReplicas,
  actualCount,
} from "./deployment-util.js";
import { byCreation } from "./owner.js";
import { scaledValue } from "./int-or-percent.js";
import { isTerminal } from "./pod-state.js";

export interface ReplicaSets {
  newRS: KubeObject | undefined;
  oldRSs: KubeObject[];
}

/** NewRSNewReplicas: how far the new replica set may grow now. */
export function newRSNewReplicas(ctx: DeploymentContext, allRSs: Array<KubeObject | undefined>, newRS: KubeObject): number {
  const { d } = ctx;
  if (!isRollingUpdate(d)) return ctx.replicas;
  const surge = scaledValue(d.spec.strategy?.rollingUpdate?.maxSurge, ctx.replicas, true, 0);
  const current = replicaCount(ctx.freshAll(allRSs));
  const maxTotal = ctx.replicas + surge;
  if (current >= maxTotal) return specReplicas(newRS);
  return specReplicas(newRS) + Math.min(maxTotal - current, ctx.replicas - specReplicas(newRS));
}

// ---- RollingUpdate ----

export function reconcileNewReplicaSet(ctx: DeploymentContext, allRSs: KubeObject[], newRS: KubeObject): boolean {
  newRS = ctx.fresh(newRS);
  if (specReplicas(newRS) === ctx.replicas) return false;
  if (specReplicas(newRS) > ctx.replicas) return ctx.scaleAndRecord(newRS, ctx.replicas).scaled;
  return ctx.scaleAndRecord(newRS, newRSNewReplicas(ctx, allRSs, newRS)).scaled;
}

export function reconcileOldReplicaSets(ctx: DeploymentContext, allRSs: KubeObject[], oldRSs: KubeObject[], newRS: KubeObject): boolean {
  oldRSs = ctx.freshAll(oldRSs);
  const oldPods = replicaCount(oldRSs);
  if (oldPods === 0) return false;
  const allPods = replicaCount(ctx.freshAll(allRSs));
  const minAvailable = ctx.replicas - maxUnavailable(ctx.d);
  const fresh = ctx.fresh(newRS);
  const newUnavailable = specReplicas(fresh) - (fresh.status?.availableReplicas ?? 0);
  const maxScaledDown = allPods - minAvailable - newUnavailable;
  if (maxScaledDown <= 0) return false;
  // Unhealthy old replicas go first: removing them never lowers availability.
  const cleaned = cleanupUnhealthyReplicas(ctx, oldRSs, maxScaledDown);
  const scaledDown = scaleDownOldReplicaSetsForRollingUpdate(ctx, [...oldRSs, newRS], oldRSs);
  return cleaned + scaledDown > 0;
}

function cleanupUnhealthyReplicas(ctx: DeploymentContext, oldRSs: KubeObject[], maxCleanup: number): number {
  let total = 0;
  for (const rs of ctx.freshAll(oldRSs).sort(byCreation)) {
    if (total >= maxCleanup) break;
    const spec = specReplicas(rs);
    const available = rs.status?.availableReplicas ?? 0;
    if (spec === 0 || spec === available) continue;
    const count = Math.min(maxCleanup - total, spec - available);
    ctx.scaleAndRecord(rs, spec - count);
    total += count;
  }
  return total;
}

function scaleDownOldReplicaSetsForRollingUpdate(ctx: DeploymentContext, allRSs: KubeObject[], oldRSs: KubeObject[]): number {
  const minAvailable = ctx.replicas - maxUnavailable(ctx.d);
  const available = availableCount(ctx.freshAll(allRSs));
  if (available <= minAvailable) return 0;
  const toScaleDown = available - minAvailable;
  let total = 0;
  for (const rs of ctx.freshAll(oldRSs).sort(byCreation)) {
    if (total >= toScaleDown) break;
    if (specReplicas(rs) === 0) continue;
    const count = Math.min(specReplicas(rs), toScaleDown - total);
    ctx.scaleAndRecord(rs, specReplicas(rs) - count);
    total += count;
  }
  return total;
}

// ---- Recreate ----

export function scaleDownOldForRecreate(ctx: DeploymentContext, oldRSs: KubeObject[]): boolean {
  let scaled = false;
  for (const rs of filterActive(ctx.freshAll(oldRSs))) {
    if (ctx.scaleAndRecord(rs, 0).scaled) scaled = true;
  }
  return scaled;
}

/** oldPodsRunning: old replica sets still report pods, or any of their pods is not finished. */
export function oldPodsRunning(ctx: DeploymentContext, newRS: KubeObject | undefined, oldRSs: KubeObject[]): boolean {
  if (actualCount(ctx.freshAll(oldRSs)) > 0) return true;
  return ctx.rsList.some((rs) => rs.metadata.uid !== newRS?.metadata.uid && ctx.podsOfRs(rs.metadata.uid!).some((p) => !isTerminal(p)));
}

// ---- scaling (sync.go) ----

const sizeThenNewer = (a: KubeObject, b: KubeObject): number => specReplicas(b) - specReplicas(a) || byCreation(b, a);
const sizeThenOlder = (a: KubeObject, b: KubeObject): number => specReplicas(b) - specReplicas(a) || byCreation(a, b);

/** FindActiveOrLatest: the only active replica set, or the newest when none is active. */
const activeOrLatest = (ctx: DeploymentContext, newRS: KubeObject | undefined, oldRSs: KubeObject[]): KubeObject | undefined => {
  if (!newRS && oldRSs.length === 0) return undefined;
  const olds = ctx.freshAll(oldRSs).sort((a, b) => byCreation(b, a));
  const active = filterActive([...olds, ctx.fresh(newRS)]);
  if (active.length === 0) return newRS ? ctx.fresh(newRS) : olds[0];
  return active.length === 1 ? active[0] : undefined;
};

const isSaturated = (ctx: DeploymentContext, rs: KubeObject | undefined): boolean => {
  if (!rs) return false;
  const desired = Number(rs.metadata.annotations?.[DESIRED_REPLICAS]);
  return specReplicas(rs) === ctx.replicas && desired === ctx.replicas && (rs.status?.availableReplicas ?? 0) === ctx.replicas;
};

/** getReplicaSetFraction: this replica set's share of the change, from the size the Deployment had (max-replicas). */
const fraction = (ctx: DeploymentContext, rs: KubeObject): number => {
  if (ctx.replicas === 0) return -specReplicas(rs);
  const max = ctx.replicas + maxSurge(ctx.d);
  let before = Number(rs.metadata.annotations?.[MAX_REPLICAS]);
  if (!Number.isInteger(before) || before === 0) before = ctx.d.status?.replicas ?? 0;
  // Without any earlier size there is nothing to be proportional to: leftovers go to the largest replica set.
  if (before === 0) return 0;
  return Math.round((specReplicas(rs) * max) / before) - specReplicas(rs);
};

export function scale(ctx: DeploymentContext, newRS: KubeObject | undefined, oldRSs: KubeObject[]): void {
  const only = activeOrLatest(ctx, newRS, oldRSs);
  if (only) {
    if (specReplicas(only) !== ctx.replicas) ctx.scaleAndRecord(only, ctx.replicas);
    return;
  }
  if (isSaturated(ctx, ctx.fresh(newRS))) {
    for (const old of filterActive(ctx.freshAll(oldRSs))) ctx.scaleAndRecord(old, 0);
    return;
  }
  if (!isRollingUpdate(ctx.d)) return;
  const all = filterActive(ctx.freshAll([...oldRSs, newRS]));
  const allowed = ctx.replicas > 0 ? ctx.replicas + maxSurge(ctx.d) : 0;
  const toAdd = allowed - replicaCount(all);
  let operation: "up" | "down" | "" = "";
  if (toAdd > 0) {
    all.sort(sizeThenNewer);
    operation = "up";
  } else if (toAdd < 0) {
    all.sort(sizeThenOlder);
    operation = "down";
  }
  let added = 0;
  const sizes = new Map<string, number>();
  for (const rs of all) {
    let proportion = 0;
    if (toAdd !== 0 && specReplicas(rs) !== 0 && toAdd !== added) {
      const f = fraction(ctx, rs);
      proportion = toAdd > 0 ? Math.min(f, toAdd - added) : Math.max(f, toAdd - added);
    }
    sizes.set(rs.metadata.uid!, specReplicas(rs) + proportion);
    added += proportion;
  }
  all.forEach((rs, i) => {
    let size = sizes.get(rs.metadata.uid!)!;
    // Leftovers go to the largest replica set.
    if (i === 0 && toAdd !== 0) size = Math.max(0, size + toAdd - added);
    ctx.scaleReplicaSet(rs, size, operation);
  });
}

/** isScalingEvent: an active replica set was sized for a different replica count than the Deployment has now. */
export function isScalingEvent(ctx: DeploymentContext, { newRS, oldRSs }: ReplicaSets): boolean {
  return filterActive(ctx.freshAll([...oldRSs, newRS])).some((rs) => {
    const desired = Number(rs.metadata.annotations?.[DESIRED_REPLICAS]);
    return Number.isInteger(desired) && rs.metadata.annotations?.[DESIRED_REPLICAS] !== undefined && desired !== ctx.replicas;
  });
}

/** cleanupDeployment: deletes the oldest empty replica sets beyond revisionHistoryLimit. */
export function cleanupDeployment(ctx: DeploymentContext, oldRSs: KubeObject[]): void {
  const limit = ctx.d.spec.revisionHistoryLimit;
  if (limit === undefined || limit === null) return;
  const cleanable = ctx.freshAll(oldRSs).filter((rs) => !rs.metadata.deletionTimestamp);
  const diff = cleanable.length - limit;
  if (diff <= 0) return;
  cleanable.sort((a, b) => revisionOf(a) - revisionOf(b) || byCreation(a, b));
  for (const rs of cleanable.slice(0, diff)) {
    if ((rs.status?.replicas ?? 0) !== 0 || specReplicas(rs) !== 0) continue;
    if ((rs.metadata.generation ?? 0) > (rs.status?.observedGeneration ?? 0)) continue;
    ctx.deleteRS(rs);
  }
}

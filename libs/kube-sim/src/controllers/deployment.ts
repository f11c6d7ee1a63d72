// The deployment controller: one ReplicaSet per pod template (`<deployment>-<pod-template-hash>`), revisions,
// rolling updates and Recreate, scaling, pause, history cleanup and status. Ported from kube-controller-manager's
// deployment_controller.go / sync.go; the strategies are in deployment-rollout.ts, status in deployment-status.ts.
import { labelSelectorFromObject } from "@vigil/contracts";
import type { Cluster } from "../cluster.js";
import { R } from "../api/resources.js";
import type { KubeObject, Pod } from "../types.js";
import { type Controller, syncEach } from "./controller.js";
import { DeploymentContext } from "./deployment-context.js";
import {
  cleanupDeployment,
  isScalingEvent,
  newRSNewReplicas,
  oldPodsRunning,
  reconcileNewReplicaSet,
  reconcileOldReplicaSets,
  scale,
  scaleDownOldForRecreate,
  type ReplicaSets,
} from "./deployment-rollout.js";
import { checkPausedConditions, syncDeploymentStatus, syncRolloutStatus } from "./deployment-status.js";
import {
  REVISION,
  deploymentComplete,
  findNewRS,
  getCondition,
  hasProgressDeadline,
  maxRevision,
  newCondition,
  setCondition,
  setNewReplicaSetAnnotations,
  specReplicas,
} from "./deployment-util.js";
import { OwnerIndex, claim, controllerOf, controllerRefFor } from "./owner.js";
import { POD_TEMPLATE_HASH, computeHash, equalIgnoreHash } from "./pod-template.js";
import { TickGate } from "./tick-gate.js";
import { clone } from "../json.js";

export class DeploymentController implements Controller {
  readonly name = "deployment";
  private readonly failures = new TickGate();
  /** The resourceVersions (Deployment, then its ReplicaSets) each Deployment was last synced at. */
  private readonly synced = new Map<string, string>();

  reconcile(cluster: Cluster): void {
    const deployments = cluster.list(R.deployments);
    if (deployments.length === 0) return;
    const replicaSets = new OwnerIndex(cluster.list(R.replicasets));
    let pods: OwnerIndex<Pod> | undefined;
    // Only Recreate looks at pods; index them once, on first need.
    const podsOfRs = (uid: string): Pod[] => (pods ??= new OwnerIndex(cluster.list<Pod>(R.pods))).ownedBy(uid);
    try {
      syncEach(deployments, (d) => {
        const labelSelector = labelSelectorFromObject(d.spec?.selector);
        const rsList = claim(cluster, R.replicasets, d, replicaSets, { matches: (rs) => labelSelector.matches(rs.metadata.labels) });
        // A complete Deployment has nothing time-based pending: unless it or its ReplicaSets changed, skip it.
        const seen = [d.metadata.resourceVersion, ...rsList.map((rs) => rs.metadata.resourceVersion)].join(",");
        if (this.synced.get(d.metadata.uid!) === seen && d.status && deploymentComplete(d, d.status)) return;
        this.synced.set(d.metadata.uid!, seen);
        this.sync(new DeploymentContext(cluster, d, rsList, podsOfRs));
      });
    } finally {
      if (this.synced.size > deployments.length) {
        const live = new Set(deployments.map((d) => d.metadata.uid));
        for (const uid of this.synced.keys()) if (!live.has(uid)) this.synced.delete(uid);
      }
    }
  }

  private sync(ctx: DeploymentContext): void {
    const { d } = ctx;
    const sel = d.spec.selector ?? {};
    if (!sel.matchLabels && !sel.matchExpressions?.length) {
      // A Deployment selecting every pod is not processed; upstream only records that it saw this generation.
      if ((d.status?.observedGeneration ?? 0) < (d.metadata.generation ?? 0)) {
        d.status = { ...(d.status ?? {}), observedGeneration: d.metadata.generation };
        ctx.writeStatus();
      }
      return;
    }
    checkPausedConditions(ctx);
    if (d.spec.paused) return this.syncScaling(ctx);
    if (isScalingEvent(ctx, this.replicaSets(ctx, false))) return this.syncScaling(ctx);
    if (d.spec.strategy?.type === "Recreate") return this.rolloutRecreate(ctx);
    return this.rolloutRolling(ctx);
  }

  /** sync(): scaling and paused Deployments. */
  private syncScaling(ctx: DeploymentContext): void {
    const { newRS, oldRSs } = this.replicaSets(ctx, false);
    scale(ctx, newRS, oldRSs);
    if (ctx.d.spec.paused) cleanupDeployment(ctx, oldRSs);
    syncDeploymentStatus(ctx, [...oldRSs, newRS], newRS);
  }

  private rolloutRolling(ctx: DeploymentContext): void {
    const { newRS, oldRSs } = this.replicaSets(ctx, true);
    if (!newRS) return;
    const allRSs = [...oldRSs, newRS];
    if (reconcileNewReplicaSet(ctx, allRSs, newRS)) return syncRolloutStatus(ctx, allRSs, newRS);
    const activeOld = ctx.freshAll(oldRSs).filter((rs) => specReplicas(rs) > 0);
    if (reconcileOldReplicaSets(ctx, allRSs, activeOld, newRS)) return syncRolloutStatus(ctx, allRSs, newRS);
    if (deploymentComplete(ctx.d, ctx.d.status ?? {})) cleanupDeployment(ctx, oldRSs);
    syncRolloutStatus(ctx, allRSs, newRS);
  }

  private rolloutRecreate(ctx: DeploymentContext): void {
    // The new replica set is only created once every old pod is gone, so the two never run side by side.
    let { newRS, oldRSs } = this.replicaSets(ctx, false);
    if (scaleDownOldForRecreate(ctx, oldRSs) || oldPodsRunning(ctx, newRS, oldRSs)) {
      return syncRolloutStatus(ctx, [...oldRSs, newRS], newRS);
    }
    if (!newRS) ({ newRS, oldRSs } = this.replicaSets(ctx, true));
    if (!newRS) return;
    ctx.scaleAndRecord(newRS, ctx.replicas);
    if (deploymentComplete(ctx.d, ctx.d.status ?? {})) cleanupDeployment(ctx, oldRSs);
    syncRolloutStatus(ctx, [...oldRSs, newRS], newRS);
  }

  /** getAllReplicaSetsAndSyncRevision. */
  private replicaSets(ctx: DeploymentContext, createIfNotExisted: boolean): ReplicaSets {
    const existing = findNewRS(ctx.d, ctx.rsList);
    const oldRSs = ctx.rsList.filter((rs) => rs.metadata.uid !== existing?.metadata.uid);
    const newRS = this.newReplicaSet(ctx, existing, oldRSs, createIfNotExisted);
    return { newRS, oldRSs: ctx.freshAll(oldRSs) };
  }

  /** getNewReplicaSet: syncs the new replica set's revision, or creates it. */
  private newReplicaSet(
    ctx: DeploymentContext,
    existing: KubeObject | undefined,
    oldRSs: KubeObject[],
    create: boolean,
  ): KubeObject | undefined {
    const { d } = ctx;
    const newRevision = maxRevision(oldRSs) + 1;
    if (existing) {
      const copy = clone(existing);
      const annotationsUpdated = setNewReplicaSetAnnotations(d, copy, newRevision, true);
      const minReady = d.spec.minReadySeconds ?? 0;
      if (annotationsUpdated || (existing.spec.minReadySeconds ?? 0) !== minReady) {
        return ctx.updateRS(existing, (draft) => {
          draft.metadata.annotations = copy.metadata.annotations;
          if (minReady) draft.spec.minReadySeconds = minReady;
          else delete draft.spec.minReadySeconds;
        });
      }
      let needsUpdate = this.setRevision(d, existing.metadata.annotations?.[REVISION]);
      if (hasProgressDeadline(d) && !getCondition(d.status, "Progressing")) {
        d.status ??= {};
        setCondition(
          d.status,
          newCondition("Progressing", "True", "FoundNewReplicaSet", `Found new replica set "${existing.metadata.name}"`, ctx.timestamp()),
        );
        needsUpdate = true;
      }
      if (needsUpdate) ctx.writeStatus();
      return existing;
    }
    if (!create) return undefined;
    const rs = this.buildReplicaSet(ctx, oldRSs, newRevision);
    const name = rs.metadata.name!;
    const key = `${d.metadata.uid}/create`;
    if (this.failures.blocked(key, ctx.now())) return undefined;
    let created: KubeObject;
    let alreadyExists = false;
    try {
      created = ctx.cluster.create(R.replicasets, rs);
    } catch (err) {
      const code = (err as { code?: number }).code;
      const found = code === 409 ? ctx.cluster.get(R.replicasets, d.metadata.namespace, name) : undefined;
      if (found && controllerOf(found)?.uid === d.metadata.uid && equalIgnoreHash(d.spec.template, found.spec?.template)) {
        created = found;
        alreadyExists = true;
      } else if (found) {
        // A hash collision with a different template: the next attempt hashes with a higher collisionCount.
        d.status = { ...(d.status ?? {}), collisionCount: (d.status?.collisionCount ?? 0) + 1 };
        ctx.writeStatus();
        return undefined;
      } else {
        this.failures.allow(key, ctx.now());
        const msg = `Failed to create new replica set "${name}": ${(err as Error).message}`;
        if (hasProgressDeadline(d)) {
          d.status ??= {};
          setCondition(d.status, newCondition("Progressing", "False", "ReplicaSetCreateError", msg, ctx.timestamp()));
          ctx.writeStatus();
        }
        ctx.event("ReplicaSetCreateError", msg, "Warning");
        return undefined;
      }
    }
    ctx.added(created);
    const replicas = specReplicas(created);
    if (!alreadyExists && replicas > 0) ctx.event("ScalingReplicaSet", `Scaled up replica set ${name} from 0 to ${replicas}`);
    let needsUpdate = this.setRevision(d, String(newRevision));
    if (!alreadyExists && hasProgressDeadline(d)) {
      d.status ??= {};
      setCondition(
        d.status,
        newCondition("Progressing", "True", "NewReplicaSetCreated", `Created new replica set "${name}"`, ctx.timestamp()),
      );
      needsUpdate = true;
    }
    if (needsUpdate) ctx.writeStatus();
    return created;
  }

  private buildReplicaSet(ctx: DeploymentContext, oldRSs: KubeObject[], newRevision: number): KubeObject {
    const { d } = ctx;
    const template = clone(d.spec.template ?? {});
    const hash = computeHash(d.spec.template, d.status?.collisionCount);
    template.metadata = { ...(template.metadata ?? {}), labels: { ...(template.metadata?.labels ?? {}), [POD_TEMPLATE_HASH]: hash } };
    const selector = clone(d.spec.selector ?? {});
    selector.matchLabels = { ...(selector.matchLabels ?? {}), [POD_TEMPLATE_HASH]: hash };
    const rs: KubeObject = {
      apiVersion: "apps/v1",
      kind: "ReplicaSet",
      metadata: {
        name: `${d.metadata.name}-${hash}`,
        namespace: d.metadata.namespace,
        labels: { ...template.metadata.labels },
        ownerReferences: [controllerRefFor(d)],
      },
      spec: {
        replicas: 0,
        ...(d.spec.minReadySeconds ? { minReadySeconds: d.spec.minReadySeconds } : {}),
        selector,
        template,
      },
    };
    rs.spec.replicas = newRSNewReplicas(ctx, [...oldRSs, rs], rs);
    setNewReplicaSetAnnotations(d, rs, newRevision, false);
    return rs;
  }

  /** SetDeploymentRevision. */
  private setRevision(d: KubeObject, revision: string | undefined): boolean {
    if (revision === undefined || d.metadata.annotations?.[REVISION] === revision) return false;
    d.metadata.annotations = { ...(d.metadata.annotations ?? {}), [REVISION]: revision };
    return true;
  }
}

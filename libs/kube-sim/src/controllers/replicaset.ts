// The replicaset controller: keeps `spec.replicas` active pods (finished or deleted pods don't count, so evicted
// and failed pods are replaced while staying listed, as on a real cluster), deletes the least valuable pods first
// on scale-down, and reports replicas, fullyLabeled, ready and available counts.
import { labelSelectorFromObject } from "@vigil/contracts";
import type { Cluster } from "../cluster.js";
import { R } from "../api/resources.js";
import type { KubeObject, Pod } from "../types.js";
import { type Controller, syncEach } from "./controller.js";
import { OwnerIndex, claim } from "./owner.js";
import { isPodActive, isPodAvailable, isPodReady, readyCondition } from "./pod-state.js";
import { createPod, podFromTemplate } from "./pod-template.js";
import { TickGate } from "./tick-gate.js";
import { recordEvent } from "./record-event.js";

const SOURCE = { component: "replicaset-controller" };
const DELETION_COST = "controller.kubernetes.io/pod-deletion-cost";
const PHASE_RANK: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

const maxRestarts = (p: Pod): number => Math.max(0, ...(p.status?.containerStatuses ?? []).map((c) => c.restartCount ?? 0));
const deletionCost = (p: Pod): number => Number(p.metadata.annotations?.[DELETION_COST] ?? 0) || 0;
const time = (s: string | undefined): number => (s ? Date.parse(s) : 0);

/**
 * ActivePodsWithRanks: pods to delete first sort first. Unscheduled < scheduled, Pending < Unknown < Running,
 * not ready < ready, lower deletion cost, doubled up on a node, ready for less time, more restarts, newer.
 */
export function podsToDeleteFirst(pods: Pod[]): Pod[] {
  const perNode = new Map<string, number>();
  for (const p of pods) if (p.spec.nodeName) perNode.set(p.spec.nodeName, (perNode.get(p.spec.nodeName) ?? 0) + 1);
  const rank = (p: Pod): number => (p.spec.nodeName ? (perNode.get(p.spec.nodeName) ?? 0) : 0);
  return [...pods].sort((a, b) => {
    if (!!a.spec.nodeName !== !!b.spec.nodeName) return a.spec.nodeName ? 1 : -1;
    const pa = PHASE_RANK[a.status?.phase ?? "Pending"] ?? 0;
    const pb = PHASE_RANK[b.status?.phase ?? "Pending"] ?? 0;
    if (pa !== pb) return pa - pb;
    if (isPodReady(a) !== isPodReady(b)) return isPodReady(a) ? 1 : -1;
    if (deletionCost(a) !== deletionCost(b)) return deletionCost(a) - deletionCost(b);
    if (rank(a) !== rank(b)) return rank(b) - rank(a);
    if (isPodReady(a) && isPodReady(b)) {
      const [ra, rb] = [time(readyCondition(a)?.lastTransitionTime), time(readyCondition(b)?.lastTransitionTime)];
      if (ra !== rb) return rb - ra;
    }
    if (maxRestarts(a) !== maxRestarts(b)) return maxRestarts(b) - maxRestarts(a);
    const [ca, cb] = [time(a.metadata.creationTimestamp), time(b.metadata.creationTimestamp)];
    if (ca !== cb) return cb - ca;
    return (b.metadata.name ?? "") < (a.metadata.name ?? "") ? -1 : 1;
  });
}

export class ReplicaSetController implements Controller {
  readonly name = "replicaset";
  private readonly failures = new TickGate();

  reconcile(cluster: Cluster): void {
    const replicaSets = cluster.list(R.replicasets);
    if (replicaSets.length === 0) return;
    const pods = new OwnerIndex(cluster.list<Pod>(R.pods));
    syncEach(replicaSets, (rs) => this.sync(cluster, rs, pods));
  }

  private sync(cluster: Cluster, rs: KubeObject, index: OwnerIndex<Pod>): void {
    const labelSelector = labelSelectorFromObject(rs.spec?.selector);
    const owned = claim(cluster, R.pods, rs, index, { matches: (p) => labelSelector.matches(p.metadata.labels), canAdopt: isPodActive });
    let active = owned.filter(isPodActive);
    const want = rs.spec?.replicas ?? 1;
    const key = rs.metadata.uid!;
    let failure: { reason: string; message: string } | undefined;
    let blocked = false;
    if (active.length < want) {
      if (this.failures.blocked(key, cluster.now())) blocked = true;
      else {
        for (let i = active.length; i < want; i++) {
          try {
            const pod = createPod(cluster, podFromTemplate(rs.spec.template, rs));
            active = [...active, pod];
            recordEvent(cluster, rs, "SuccessfulCreate", `Created pod: ${pod.metadata.name}`, { source: SOURCE });
          } catch (err) {
            this.failures.allow(key, cluster.now());
            failure = { reason: "FailedCreate", message: (err as Error).message };
            recordEvent(cluster, rs, "FailedCreate", `Error creating: ${(err as Error).message}`, { type: "Warning", source: SOURCE });
            break;
          }
        }
      }
    } else if (active.length > want) {
      const victims = podsToDeleteFirst(active).slice(0, active.length - want);
      for (const p of victims) {
        cluster.delete(R.pods, p.metadata.namespace, p.metadata.name!);
        recordEvent(cluster, rs, "SuccessfulDelete", `Deleted pod: ${p.metadata.name}`, { source: SOURCE });
      }
      const gone = new Set(victims.map((p) => p.metadata.uid));
      active = active.filter((p) => !gone.has(p.metadata.uid));
    }
    this.writeStatus(cluster, rs, active, failure, blocked);
  }

  private writeStatus(
    cluster: Cluster,
    rs: KubeObject,
    active: Pod[],
    failure: { reason: string; message: string } | undefined,
    blocked: boolean,
  ): void {
    const templateLabels = Object.entries(rs.spec?.template?.metadata?.labels ?? {});
    const now = cluster.now();
    const counts = {
      fullyLabeledReplicas: active.filter((p) => templateLabels.every(([k, v]) => p.metadata.labels?.[k] === v)).length,
      readyReplicas: active.filter(isPodReady).length,
      availableReplicas: active.filter((p) => isPodAvailable(p, rs.spec?.minReadySeconds, now)).length,
      observedGeneration: rs.metadata.generation ?? 0,
    };
    cluster.updateStatus(R.replicasets, rs.metadata.namespace, rs.metadata.name!, (draft) => {
      const previous = (draft.status?.conditions as any[] | undefined)?.find((c) => c.type === "ReplicaFailure");
      const status: any = { replicas: active.length };
      for (const [k, v] of Object.entries(counts)) if (v) status[k] = v;
      const conditions = ((draft.status?.conditions as any[] | undefined) ?? []).filter((c) => c.type !== "ReplicaFailure");
      if (failure) {
        conditions.push(
          previous ?? {
            type: "ReplicaFailure",
            status: "True",
            lastTransitionTime: cluster.timestamp(),
            reason: failure.reason,
            message: failure.message,
          },
        );
      } else if (previous && blocked) {
        conditions.push(previous);
      }
      if (conditions.length) status.conditions = conditions;
      draft.status = status;
    });
  }
}

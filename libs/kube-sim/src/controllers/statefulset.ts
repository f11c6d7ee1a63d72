// The statefulset controller (stateful_set_control.go): ordinal pods created in order (OrderedReady waits for
// each to be Running and Ready) or all at once (Parallel), failed pods recreated, scale-down from the highest
// ordinal, ControllerRevisions and rolling updates in reverse ordinal order down to the partition.
import { labelSelectorFromObject } from "@vigil/contracts";
import type { Cluster } from "../cluster.js";
import { R } from "../api/resources.js";
import type { KubeObject, Pod } from "../types.js";
import { type Controller, syncEach } from "./controller.js";
import { revisionTemplate, syncRevision, templatePatch, truncateHistory } from "./controller-revision.js";
import { OwnerIndex, claim } from "./owner.js";
import { isPodAvailable, isRunningAndReady } from "./pod-state.js";
import { computeHash } from "./pod-template.js";
import { REVISION_LABEL, STS_SOURCE, createClaims, deleteClaimsOnScaleDown, ordinalOf, statefulPod } from "./statefulset-pods.js";
import { TickGate } from "./tick-gate.js";
import { recordEvent } from "./record-event.js";

const isHealthy = (p: Pod): boolean => isRunningAndReady(p) && !p.metadata.deletionTimestamp;
const revisionOf = (p: Pod): string | undefined => p.metadata.labels?.[REVISION_LABEL];

export class StatefulSetController implements Controller {
  readonly name = "statefulset";
  private readonly failures = new TickGate();

  reconcile(cluster: Cluster): void {
    const sets = cluster.list(R.statefulsets);
    if (sets.length === 0) return;
    const pods = new OwnerIndex(cluster.list<Pod>(R.pods));
    const revisions = new OwnerIndex(cluster.list(R.controllerrevisions));
    syncEach(sets, (set) => this.sync(cluster, set, pods, revisions));
  }

  private sync(cluster: Cluster, set: KubeObject, podIndex: OwnerIndex<Pod>, revisionIndex: OwnerIndex<KubeObject>): void {
    const labelSelector = labelSelectorFromObject(set.spec?.selector);
    let pods = claim(cluster, R.pods, set, podIndex, {
      matches: (p) => labelSelector.matches(p.metadata.labels) && ordinalOf(set, p) >= 0,
    });
    const owned = claim(cluster, R.controllerrevisions, set, revisionIndex, { matches: (r) => labelSelector.matches(r.metadata.labels) });
    const { update, revisions } = syncRevision(cluster, set, owned, {
      data: templatePatch(set.spec.template),
      hash: (collisions) => computeHash(templatePatch(set.spec.template), collisions),
      labels: (hash) => ({ ...(set.spec.template?.metadata?.labels ?? {}), "controller.kubernetes.io/hash": hash }),
    });
    const current = revisions.find((r) => r.metadata.name === set.status?.currentRevision) ?? update;
    if (!this.failures.blocked(set.metadata.uid!, cluster.now())) {
      try {
        pods = this.manage(cluster, set, pods, current, update);
      } catch (err) {
        this.failures.allow(set.metadata.uid!, cluster.now());
        throw err;
      }
    }
    this.writeStatus(cluster, set, pods, current, update);
    const live = new Set([current.metadata.name!, update.metadata.name!, ...pods.map((p) => revisionOf(p) ?? "")]);
    truncateHistory(cluster, revisions, live, set.spec.revisionHistoryLimit);
  }

  /** One round of creations and deletions; returns the set's pods afterwards. */
  private manage(cluster: Cluster, set: KubeObject, pods: Pod[], current: KubeObject, update: KubeObject): Pod[] {
    const want = set.spec.replicas ?? 1;
    const monotonic = set.spec.podManagementPolicy !== "Parallel";
    const partition = set.spec.updateStrategy?.type === "RollingUpdate" ? (set.spec.updateStrategy.rollingUpdate?.partition ?? 0) : 0;
    const byOrdinal = new Map<number, Pod>();
    for (const p of pods) byOrdinal.set(ordinalOf(set, p), p);
    const condemned = [...byOrdinal.keys()].filter((o) => o >= want).sort((a, b) => a - b);
    const event = (reason: string, message: string, type: "Normal" | "Warning" = "Normal") =>
      recordEvent(cluster, set, reason, message, { type, source: STS_SOURCE });
    const create = (ordinal: number): Pod => {
      // Ordinals below the partition stay on the current revision while an update rolls out.
      const revision = ordinal < partition ? current : update;
      const pod = statefulPod(set, revisionTemplate(revision), ordinal, revision.metadata.name!);
      createClaims(cluster, set, ordinal, pod.metadata.name!);
      const created = cluster.create<Pod>(R.pods, pod);
      event("SuccessfulCreate", `create Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} successful`);
      byOrdinal.set(ordinal, created);
      return created;
    };
    const remove = (p: Pod): void => {
      cluster.delete(R.pods, p.metadata.namespace, p.metadata.name!);
      event("SuccessfulDelete", `delete Pod ${p.metadata.name} in StatefulSet ${set.metadata.name} successful`);
      byOrdinal.delete(ordinalOf(set, p));
    };
    const result = (): Pod[] => [...byOrdinal.values()];

    const firstUnhealthy = [...byOrdinal.keys()]
      .sort((a, b) => a - b)
      .map((o) => byOrdinal.get(o)!)
      .find((p) => !isHealthy(p));
    for (let i = 0; i < want; i++) {
      let pod = byOrdinal.get(i);
      // Failed and Succeeded pods are recreated under the same name, whatever the exit code was.
      if (pod && (pod.status?.phase === "Failed" || pod.status?.phase === "Succeeded")) {
        const ns = `${set.metadata.namespace}/${set.metadata.name}`;
        if (pod.status.phase === "Failed")
          event("RecreatingFailedPod", `StatefulSet ${ns} is recreating failed Pod ${pod.metadata.name}`, "Warning");
        else event("RecreatingTerminatedPod", `StatefulSet ${ns} is recreating terminated Pod ${pod.metadata.name}`);
        remove(pod);
        pod = undefined;
      }
      if (!pod) {
        pod = create(i);
        if (monotonic) return result();
        continue;
      }
      if (monotonic && (!isRunningAndReady(pod) || !isPodAvailable(pod, set.spec.minReadySeconds, cluster.now()))) return result();
    }
    // Scale down from the highest ordinal; OrderedReady removes one at a time, only when the rest are healthy.
    for (const ordinal of [...condemned].reverse()) {
      const pod = byOrdinal.get(ordinal)!;
      if (monotonic && !isHealthy(pod) && pod !== firstUnhealthy) return result();
      remove(pod);
      deleteClaimsOnScaleDown(cluster, set, ordinal);
      if (monotonic) return result();
    }
    if (set.spec.updateStrategy?.type === "OnDelete") return result();
    // Rolling update: delete the highest outdated pod (it is recreated from the update revision next round).
    for (let target = want - 1; target >= partition; target--) {
      const pod = byOrdinal.get(target);
      if (!pod) return result();
      if (revisionOf(pod) !== update.metadata.name && !pod.metadata.deletionTimestamp) {
        remove(pod);
        return result();
      }
      if (!isHealthy(pod)) return result();
    }
    return result();
  }

  private writeStatus(cluster: Cluster, set: KubeObject, pods: Pod[], current: KubeObject, update: KubeObject): void {
    const now = cluster.now();
    const created = pods.filter((p) => !!p.status?.phase);
    const counts = {
      readyReplicas: created.filter(isRunningAndReady).length,
      availableReplicas: created.filter((p) => isRunningAndReady(p) && isPodAvailable(p, set.spec.minReadySeconds, now)).length,
      currentReplicas: created.filter((p) => revisionOf(p) === current.metadata.name).length,
      updatedReplicas: created.filter((p) => revisionOf(p) === update.metadata.name).length,
    };
    let currentRevision = current.metadata.name!;
    // completeRollingUpdate: once every replica runs the update revision, it becomes the current one.
    if (
      set.spec.updateStrategy?.type !== "OnDelete" &&
      counts.updatedReplicas === created.length &&
      counts.readyReplicas === created.length
    ) {
      counts.currentReplicas = counts.updatedReplicas;
      currentRevision = update.metadata.name!;
    }
    cluster.updateStatus(R.statefulsets, set.metadata.namespace, set.metadata.name!, (d) => {
      d.status = {
        observedGeneration: set.metadata.generation,
        replicas: created.length,
        ...(counts.readyReplicas ? { readyReplicas: counts.readyReplicas } : {}),
        ...(counts.currentReplicas ? { currentReplicas: counts.currentReplicas } : {}),
        ...(counts.updatedReplicas ? { updatedReplicas: counts.updatedReplicas } : {}),
        currentRevision,
        updateRevision: update.metadata.name,
        collisionCount: d.status?.collisionCount ?? 0,
        availableReplicas: counts.availableReplicas,
      };
    });
  }
}

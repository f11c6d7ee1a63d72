// The daemonset controller (daemon_controller.go, update.go): one pod per eligible node, failed daemon pods
// replaced with back-off, pods removed from nodes they no longer fit, ControllerRevisions, RollingUpdate within
// maxUnavailable, and the DaemonSet status `kubectl rollout status ds` reads.
import { labelSelectorFromObject } from "@vigil/contracts";
import type { Cluster } from "../cluster.js";
import { R } from "../api/resources.js";
import type { KubeObject, Node, Pod } from "../types.js";
import { type Controller, syncEach } from "./controller.js";
import { syncRevision, templatePatch, truncateHistory } from "./controller-revision.js";
import {
  DS_GENERATION_LABEL,
  DS_HASH_LABEL,
  daemonPod,
  daemonTolerations,
  shouldRunOn,
  targetNode,
  type Placement,
} from "./daemonset-nodes.js";
import { scaledValue } from "./int-or-percent.js";
import { OwnerIndex, byCreation, claim } from "./owner.js";
import { isPodAvailable, isPodReady } from "./pod-state.js";
import { computeHash, createPod } from "./pod-template.js";
import { Backoff, TickGate } from "./tick-gate.js";
import { recordEvent } from "./record-event.js";

const SOURCE = { component: "daemonset-controller" };

export class DaemonSetController implements Controller {
  readonly name = "daemonset";
  private readonly failedPodsBackoff = new Backoff(1000, 15 * 60_000);
  private readonly failures = new TickGate();

  reconcile(cluster: Cluster): void {
    const sets = cluster.list(R.daemonsets);
    if (sets.length === 0) return;
    const nodes = cluster.list<Node>(R.nodes).sort((a, b) => (a.metadata.name! < b.metadata.name! ? -1 : 1));
    const pods = new OwnerIndex(cluster.list<Pod>(R.pods));
    const revisions = new OwnerIndex(cluster.list(R.controllerrevisions));
    syncEach(sets, (ds) => this.sync(cluster, ds, nodes, pods, revisions));
  }

  private sync(cluster: Cluster, ds: KubeObject, nodes: Node[], podIndex: OwnerIndex<Pod>, revisionIndex: OwnerIndex<KubeObject>): void {
    const labelSelector = labelSelectorFromObject(ds.spec?.selector);
    const pods = claim(cluster, R.pods, ds, podIndex, { matches: (p) => labelSelector.matches(p.metadata.labels) });
    const owned = claim(cluster, R.controllerrevisions, ds, revisionIndex, { matches: (r) => labelSelector.matches(r.metadata.labels) });
    const hashOf = (collisions: number) => computeHash(ds.spec.template, collisions || ds.status?.collisionCount);
    const { update, revisions } = syncRevision(cluster, ds, owned, {
      data: templatePatch(ds.spec.template),
      hash: hashOf,
      labels: (hash) => ({ ...(ds.spec.template?.metadata?.labels ?? {}), [DS_HASH_LABEL]: hash }),
    });
    const hash = update.metadata.labels?.[DS_HASH_LABEL] ?? hashOf(0);
    const tolerations = daemonTolerations(ds.spec.template?.spec);
    const placements = new Map<string, Placement>(nodes.map((n) => [n.metadata.name!, shouldRunOn(n, ds.spec.template, tolerations)]));
    const byNode = new Map<string, Pod[]>();
    for (const p of pods) {
      const node = targetNode(p) ?? "";
      byNode.set(node, [...(byNode.get(node) ?? []), p]);
    }
    if (!this.failures.blocked(ds.metadata.uid!, cluster.now())) {
      try {
        this.manage(cluster, ds, hash, nodes, placements, byNode);
        if (ds.spec.updateStrategy?.type !== "OnDelete") this.rollingUpdate(cluster, ds, hash, placements, byNode);
      } catch (err) {
        this.failures.allow(ds.metadata.uid!, cluster.now());
        throw err;
      }
    }
    this.writeStatus(cluster, ds, hash, nodes, placements, byNode);
    const live = new Set([update.metadata.name!, ...pods.map((p) => `${ds.metadata.name}-${p.metadata.labels?.[DS_HASH_LABEL]}`)]);
    truncateHistory(cluster, revisions, live, ds.spec.revisionHistoryLimit);
  }

  private create(cluster: Cluster, ds: KubeObject, hash: string, node: string, byNode: Map<string, Pod[]>): void {
    const pod = createPod(cluster, daemonPod(ds, hash, node));
    recordEvent(cluster, ds, "SuccessfulCreate", `Created pod: ${pod.metadata.name}`, { source: SOURCE });
    byNode.set(node, [...(byNode.get(node) ?? []), pod]);
  }

  private remove(cluster: Cluster, ds: KubeObject, pod: Pod, byNode: Map<string, Pod[]>): void {
    cluster.delete(R.pods, pod.metadata.namespace, pod.metadata.name!);
    recordEvent(cluster, ds, "SuccessfulDelete", `Deleted pod: ${pod.metadata.name}`, { source: SOURCE });
    const node = targetNode(pod) ?? "";
    byNode.set(
      node,
      (byNode.get(node) ?? []).filter((p) => p.metadata.uid !== pod.metadata.uid),
    );
  }

  /** manage / podsShouldBeOnNode: create where missing, delete where unfit, failed, or duplicated. */
  private manage(
    cluster: Cluster,
    ds: KubeObject,
    hash: string,
    nodes: Node[],
    placements: Map<string, Placement>,
    byNode: Map<string, Pod[]>,
  ): void {
    const now = cluster.now();
    for (const node of nodes) {
      const name = node.metadata.name!;
      const { shouldRun, shouldContinueRunning } = placements.get(name)!;
      const daemonPods = (byNode.get(name) ?? []).filter((p) => !p.metadata.deletionTimestamp);
      if (shouldRun && daemonPods.length === 0) {
        this.create(cluster, ds, hash, name, byNode);
        continue;
      }
      if (!shouldContinueRunning) {
        for (const p of daemonPods) this.remove(cluster, ds, p, byNode);
        continue;
      }
      const running: Pod[] = [];
      for (const p of daemonPods) {
        if (p.status?.phase === "Failed") {
          // Kubelets that reject daemon pods would otherwise be fought in a hot loop.
          const key = `${ds.metadata.uid}/${name}`;
          if (this.failedPodsBackoff.inBackoff(key, now)) continue;
          this.failedPodsBackoff.next(key, now);
          recordEvent(
            cluster,
            ds,
            "FailedDaemonPod",
            `Found failed daemon pod ${p.metadata.namespace}/${p.metadata.name} on node ${name}, will try to kill it`,
            { type: "Warning", source: SOURCE },
          );
          this.remove(cluster, ds, p, byNode);
        } else if (p.status?.phase === "Succeeded") {
          this.remove(cluster, ds, p, byNode);
        } else {
          running.push(p);
        }
      }
      // More than one daemon pod on a node: keep the oldest.
      for (const extra of running.sort(byCreation).slice(1)) this.remove(cluster, ds, extra, byNode);
    }
    // Unscheduled pods for nodes that are gone would never be scheduled, nor collected.
    const known = new Set(nodes.map((n) => n.metadata.name));
    for (const [node, list] of byNode) {
      if (known.has(node)) continue;
      for (const p of list) if (!p.spec.nodeName) this.remove(cluster, ds, p, byNode);
    }
  }

  /** rollingUpdate (maxSurge 0): delete outdated pods within maxUnavailable; manage() recreates them. */
  private rollingUpdate(
    cluster: Cluster,
    ds: KubeObject,
    hash: string,
    placements: Map<string, Placement>,
    byNode: Map<string, Pod[]>,
  ): void {
    const now = cluster.now();
    const desired = [...placements.values()].filter((p) => p.shouldRun).length;
    const maxUnavailable = scaledValue(ds.spec.updateStrategy?.rollingUpdate?.maxUnavailable, desired, true, 1);
    let unavailable = 0;
    const replaceNow: Pod[] = [];
    const candidates: Pod[] = [];
    for (const node of [...byNode.keys()].sort()) {
      const pods = (byNode.get(node) ?? []).filter((p) => !p.metadata.deletionTimestamp);
      const fresh = pods.filter((p) => isUpdated(ds, p, hash));
      const old = pods.filter((p) => !isUpdated(ds, p, hash));
      if (fresh.length > 1 || old.length > 1 || (fresh.length === 0) === (old.length === 0)) {
        unavailable++;
        continue;
      }
      if (fresh[0]) {
        if (!isPodAvailable(fresh[0], ds.spec.minReadySeconds, now)) unavailable++;
      } else if (!isPodAvailable(old[0]!, ds.spec.minReadySeconds, now)) {
        replaceNow.push(old[0]!);
      } else if (unavailable < maxUnavailable) {
        candidates.push(old[0]!);
      }
    }
    const budget = Math.min(Math.max(0, maxUnavailable - unavailable), candidates.length);
    for (const p of [...replaceNow, ...candidates.slice(0, budget)]) this.remove(cluster, ds, p, byNode);
  }

  private writeStatus(
    cluster: Cluster,
    ds: KubeObject,
    hash: string,
    nodes: Node[],
    placements: Map<string, Placement>,
    byNode: Map<string, Pod[]>,
  ): void {
    const now = cluster.now();
    let desired = 0,
      current = 0,
      misscheduled = 0,
      ready = 0,
      available = 0,
      updated = 0;
    for (const node of nodes) {
      const name = node.metadata.name!;
      const pods = [...(byNode.get(name) ?? [])].sort(byCreation);
      if (placements.get(name)!.shouldRun) {
        desired++;
        const pod = pods[0];
        if (!pod) continue;
        current++;
        if (isPodReady(pod)) {
          ready++;
          if (isPodAvailable(pod, ds.spec.minReadySeconds, now)) available++;
        }
        if (isUpdated(ds, pod, hash)) updated++;
      } else if (pods.length > 0) {
        misscheduled++;
      }
    }
    cluster.updateStatus(R.daemonsets, ds.metadata.namespace, ds.metadata.name!, (d) => {
      d.status = {
        currentNumberScheduled: current,
        numberMisscheduled: misscheduled,
        desiredNumberScheduled: desired,
        numberReady: ready,
        ...(ds.metadata.generation ? { observedGeneration: ds.metadata.generation } : {}),
        ...(updated ? { updatedNumberScheduled: updated } : {}),
        ...(available ? { numberAvailable: available } : {}),
        ...(desired - available ? { numberUnavailable: desired - available } : {}),
        ...(d.status?.collisionCount !== undefined ? { collisionCount: d.status.collisionCount } : {}),
      };
    });
  }
}

/** util.IsPodUpdated: the pod carries the current template generation or revision hash. */
const isUpdated = (ds: KubeObject, p: Pod, hash: string): boolean =>
  p.metadata.labels?.[DS_GENERATION_LABEL] === String(ds.metadata.generation) || p.metadata.labels?.[DS_HASH_LABEL] === hash;

// PodDisruptionBudget arithmetic (shared by the eviction subresource and the PDB status controller), as the
// disruption controller computes it: expected pods from the owning controllers' scale, healthy = ready pods.
import { labelSelectorFromObject } from "@vigil/contracts";
import type { Cluster } from "../cluster.js";
import { R } from "../api/resources.js";
import type { Controller } from "./controller.js";
import type { KubeObject, Pod } from "../types.js";

export interface Budget {
  pdb: KubeObject;
  expected: number;
  currentHealthy: number;
  desiredHealthy: number;
  disruptionsAllowed: number;
}

/** countHealthyPods: a pod being deleted is no longer healthy, whatever it reports. */
const isReady = (p: Pod): boolean =>
  !p.metadata.deletionTimestamp &&
  p.status?.phase === "Running" &&
  !!p.status.conditions?.some((c) => c.type === "Ready" && c.status === "True");

/** Resolves an int-or-percent against a total; percentages round up, as the disruption controller does. */
const scaled = (v: number | string, total: number): number =>
  typeof v === "string" && v.endsWith("%") ? Math.ceil((Number(v.slice(0, -1)) * total) / 100) : Number(v);

const controllerReplicas = (cluster: Cluster, pod: Pod): number | undefined => {
  const ref = pod.metadata.ownerReferences?.find((r) => r.controller);
  if (!ref) return undefined;
  const ns = pod.metadata.namespace;
  if (ref.kind === "ReplicaSet") return cluster.get(R.replicasets, ns, ref.name)?.spec?.replicas;
  if (ref.kind === "StatefulSet") return cluster.get(R.statefulsets, ns, ref.name)?.spec?.replicas;
  return undefined;
};

export const budgetsFor = (cluster: Cluster, pod: Pod): Budget[] =>
  cluster
    .list(R.pdbs, pod.metadata.namespace)
    .filter((pdb) => pdb.spec?.selector && labelSelectorFromObject(pdb.spec.selector).matches(pod.metadata.labels))
    .map((pdb) => computeBudget(cluster, pdb));

export const computeBudget = (cluster: Cluster, pdb: KubeObject): Budget => {
  const selector = labelSelectorFromObject(pdb.spec?.selector);
  const pods = cluster
    .list<Pod>(R.pods, pdb.metadata.namespace)
    .filter((p) => selector.matches(p.metadata.labels) && p.status?.phase !== "Succeeded" && p.status?.phase !== "Failed");
  const currentHealthy = pods.filter(isReady).length;
  // Expected pods: the sum of the owning controllers' replicas, or the pod count for bare pods.
  const owners = new Map<string, number>();
  let bare = 0;
  for (const p of pods) {
    const replicas = controllerReplicas(cluster, p);
    const ref = p.metadata.ownerReferences?.find((r) => r.controller);
    if (ref && replicas !== undefined) owners.set(ref.uid, replicas);
    else bare++;
  }
  const expected = [...owners.values()].reduce((a, b) => a + b, 0) + bare;
  let desiredHealthy: number;
  if (pdb.spec?.maxUnavailable !== undefined) desiredHealthy = Math.max(0, expected - scaled(pdb.spec.maxUnavailable, expected));
  else desiredHealthy = scaled(pdb.spec?.minAvailable ?? 1, expected);
  return { pdb, expected, currentHealthy, desiredHealthy, disruptionsAllowed: Math.max(0, currentHealthy - desiredHealthy) };
};

/** Keeps PodDisruptionBudget status current, so `kubectl get pdb` shows ALLOWED DISRUPTIONS. */
export class DisruptionController implements Controller {
  readonly name = "disruption";

  reconcile(cluster: Cluster): void {
    for (const pdb of cluster.list(R.pdbs)) {
      const b = computeBudget(cluster, pdb);
      cluster.updateStatus(R.pdbs, pdb.metadata.namespace, pdb.metadata.name!, (d) => {
        const conditionStatus = b.disruptionsAllowed > 0 ? "True" : "False";
        const prev = d.status?.conditions?.[0];
        d.status = {
          ...(d.status ?? {}),
          observedGeneration: d.metadata.generation,
          disruptionsAllowed: b.disruptionsAllowed,
          currentHealthy: b.currentHealthy,
          desiredHealthy: b.desiredHealthy,
          expectedPods: b.expected,
          conditions: [
            {
              type: "DisruptionAllowed",
              status: conditionStatus,
              reason: b.disruptionsAllowed > 0 ? "SufficientPods" : "InsufficientPods",
              message: "",
              observedGeneration: d.metadata.generation,
              lastTransitionTime: prev?.status === conditionStatus ? prev.lastTransitionTime : cluster.timestamp(),
            },
          ],
        };
      });
    }
  }
}

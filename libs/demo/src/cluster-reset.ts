// One simulator for every scenario, each alone in it. Starting the seven services for each scenario would cost more
// than the scenarios themselves, and the shipped scenarios share names (every one has worker-1..3 and a `shop`
// namespace), so they cannot be loaded side by side. Between two scenarios the demo removes what the previous one
// created (its namespaces with everything in them, its nodes and their leases, its cluster-scoped objects), the way a
// `kubectl delete -f scenario.yaml` would, then loads the next one. The services keep running and see the objects
// come and go through their watches, as they would on a real cluster.
import { type KubeObject, type KubeSim, readScenario, resolveType } from "@vigil/kube-sim";
import type { VolumeShape } from "./kube-shapes.js";

const SYSTEM_NAMESPACES = new Set(["default", "kube-system", "kube-public", "kube-node-lease"]);

const nameOf = (o: KubeObject): string => o.metadata.name ?? "";

/** Deletes what `scenario` created; objects already gone are skipped. Returns what was removed, for the log. */
export function removeScenario(sim: KubeSim, scenario: string): string[] {
  const { objects } = readScenario(scenario);
  const removed: string[] = [];
  const namespaces = new Set<string>();
  const drop = (kind: string, name: string, namespace?: string) => {
    if (!sim.get(kind, name, namespace)) return;
    sim.delete(kind, name, namespace, { gracePeriodSeconds: 0 });
    removed.push(`${kind} ${namespace ? `${namespace}/` : ""}${name}`);
  };
  for (const o of objects) {
    const type = resolveType(o.kind);
    if (!type) continue;
    const ns = type.namespaced ? (o.metadata.namespace ?? "default") : undefined;
    if (ns && !SYSTEM_NAMESPACES.has(ns)) namespaces.add(ns);
    else if (ns) drop(o.kind, nameOf(o), ns);
    else if (o.kind === "Namespace" && !SYSTEM_NAMESPACES.has(nameOf(o))) namespaces.add(nameOf(o));
  }
  // Pods first, at once: a namespace's pods would otherwise terminate gracefully on the clock the demo controls.
  for (const ns of namespaces) {
    for (const pod of sim.list("Pod", ns)) drop("Pod", nameOf(pod), ns);
    drop("Namespace", ns);
  }
  // Volumes provisioned for the removed claims are the scenario's too.
  for (const pv of sim.list<VolumeShape>("PersistentVolume")) {
    if (namespaces.has(pv.spec?.claimRef?.namespace ?? "")) drop("PersistentVolume", nameOf(pv));
  }
  for (const o of objects) {
    const type = resolveType(o.kind);
    if (type && !type.namespaced && o.kind !== "Namespace") drop(o.kind, nameOf(o));
    if (o.kind === "Node") {
      drop("Lease", nameOf(o), "kube-node-lease");
      // Node events live in `default`: the next scenario's worker-1 is another machine.
      for (const e of sim.list("Event", "default"))
        if (e["involvedObject"] && (e["involvedObject"] as { name?: string }).name === nameOf(o)) drop("Event", nameOf(e), "default");
    }
  }
  sim.settle();
  return removed;
}

/** Replaces the scenario running in the simulator with `next` (its warm-up played on the virtual clock). */
export async function switchScenario(sim: KubeSim, previous: string | undefined, next: string): Promise<void> {
  if (previous) removeScenario(sim, previous);
  await sim.loadScenario(next);
}

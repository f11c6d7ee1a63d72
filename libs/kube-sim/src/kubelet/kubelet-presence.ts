// Which nodes have a simulated kubelet behind them. Nodes created in process (sim.load, scenarios, tests) get one,
// as a real node registers itself through its own kubelet. A Node object created over the API (kubectl create,
// client-node) is just an object: nothing runs on it unless a kubelet was declared for its name (a scenario's
// spec.kubelets, sim.startKubelet). The `sim.vigil.dev/kubelet: stopped` annotation still stops any kubelet.
import type { Cluster } from "../cluster.js";
import { nodeBehaviour } from "../behaviour/vocabulary.js";
import { R } from "../api/resources.js";
import type { KubeObject } from "../types.js";

interface Presence {
  /** Names with a declared kubelet: a Node of that name created over the API gets it. */
  declared: Set<string>;
  /** Names with no kubelet: created over the API without a declaration, or stopped with stopKubelet. */
  absent: Set<string>;
}

const registries = new WeakMap<Cluster, Presence>();

const presence = (cluster: Cluster): Presence => {
  let p = registries.get(cluster);
  if (!p) registries.set(cluster, (p = { declared: new Set(), absent: new Set() }));
  return p;
};

/** A kubelet runs (or will run, once its Node exists) for this node name. */
export const startKubelet = (cluster: Cluster, name: string): void => {
  const p = presence(cluster);
  p.declared.add(name);
  p.absent.delete(name);
};

/** The node's kubelet stops for good (until started again): no status, no lease, its pods freeze. */
export const stopKubelet = (cluster: Cluster, name: string): void => {
  const p = presence(cluster);
  p.declared.delete(name);
  p.absent.add(name);
};

/** An object was created through the API server: a Node then has a kubelet only if one was declared for it. */
export const createdOverApi = (cluster: Cluster, key: string, obj: KubeObject): void => {
  if (key !== R.nodes) return;
  const p = presence(cluster);
  const name = obj.metadata.name!;
  if (!p.declared.has(name)) p.absent.add(name);
};

/** Whether a kubelet runs for the node and posts its status (not whether the node is Ready). */
export const hasKubelet = (cluster: Cluster, node: KubeObject): boolean =>
  !presence(cluster).absent.has(node.metadata.name!) && !nodeBehaviour(node).kubeletStopped;

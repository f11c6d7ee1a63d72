// The scheduler's view of the cluster (its cache snapshot): per node, what is allocatable, what is already
// requested and which pods are there. `assume` updates it in O(1) so a batch of pods can be placed in one pass.
import type { V1Taint } from "@kubernetes/client-node";
import { bytes, cpuMillis, parseQuantity } from "../quantity.js";
import type { KubeObject, Labels, Node, Pod } from "../types.js";
import { podInfo, podKey, type NamespaceLabels, type PodInfo } from "./pod-info.js";
import { zeroResources, type Resources } from "./requests.js";
import { AffinityIndex, type Placed } from "./affinity-index.js";

/** A pod placed on a node, as the affinity index keeps it. */
export interface Placement extends Placed {
  node: NodeInfo;
}

export interface Allocatable extends Resources {
  pods: number;
}

const DEFAULT_MAX_PODS = 110;

/** Allocatable from node status; the API server defaults a missing allocatable to capacity. */
function allocatableOf(node: Node): Allocatable {
  const a = node.status?.allocatable ?? node.status?.capacity ?? {};
  return {
    cpu: a["cpu"] === undefined ? 0 : cpuMillis(a["cpu"]),
    memory: a["memory"] === undefined ? 0 : bytes(a["memory"]),
    ephemeralStorage: a["ephemeral-storage"] === undefined ? 0 : bytes(a["ephemeral-storage"]),
    pods: a["pods"] === undefined ? DEFAULT_MAX_PODS : Math.floor(parseQuantity(a["pods"])),
  };
}

function addTo(target: Resources, r: Resources, sign: 1 | -1): void {
  target.cpu += sign * r.cpu;
  target.memory += sign * r.memory;
  target.ephemeralStorage += sign * r.ephemeralStorage;
}

export class NodeInfo {
  readonly name: string;
  readonly labels: Labels;
  /** Taints that can keep a pod off the node; PreferNoSchedule only affects scoring. */
  readonly hardTaints: V1Taint[];
  /** Cordoned (spec.unschedulable). */
  readonly unschedulable: boolean;
  readonly allocatable: Allocatable;
  readonly requested: Resources = zeroResources();
  readonly nonZeroRequested: Resources = zeroResources();
  readonly pods = new Map<string, PodInfo>();

  constructor(readonly node: Node) {
    this.name = node.metadata.name ?? "";
    this.labels = node.metadata.labels ?? {};
    this.hardTaints = (node.spec?.taints ?? []).filter((t) => t.effect === "NoSchedule" || t.effect === "NoExecute");
    this.unschedulable = node.spec?.unschedulable === true;
    this.allocatable = allocatableOf(node);
  }

  add(p: PodInfo): void {
    this.pods.set(p.key, p);
    addTo(this.requested, p.requests, 1);
    addTo(this.nonZeroRequested, p.nonZero, 1);
  }

  remove(p: PodInfo): void {
    if (!this.pods.delete(p.key)) return;
    addTo(this.requested, p.requests, -1);
    addTo(this.nonZeroRequested, p.nonZero, -1);
  }
}

const isPodInfo = (x: Pod | PodInfo): x is PodInfo => typeof x["key"] === "string" && "nonZero" in x;

export interface SnapshotOptions {
  /** Namespace objects, for affinity terms with a namespaceSelector. Unknown namespaces get only the automatic name label. */
  namespaces?: KubeObject[];
}

/** Pods bound to a node that still hold its resources: terminal pods have released theirs. */
export const occupiesNode = (pod: Pod): boolean =>
  !!pod.spec.nodeName && pod.status?.phase !== "Succeeded" && pod.status?.phase !== "Failed";

export class ClusterSnapshot {
  /** Sorted by name, which makes every tie-break deterministic. */
  readonly nodes: NodeInfo[];
  /** Placed pods indexed for InterPodAffinity. */
  readonly affinity = new AffinityIndex<Placement>();
  readonly nsLabels: NamespaceLabels;
  private readonly byName = new Map<string, NodeInfo>();
  private readonly placed = new Map<string, Placement>();
  private readonly domains = new Map<string, Map<string, NodeInfo[]>>();

  constructor(nodes: Iterable<Node>, pods: Iterable<Pod> = [], options: SnapshotOptions = {}) {
    this.nodes = Array.from(nodes, (n) => new NodeInfo(n)).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const n of this.nodes) this.byName.set(n.name, n);
    const nsLabels = new Map<string, Labels>();
    for (const ns of options.namespaces ?? []) nsLabels.set(ns.metadata.name ?? "", ns.metadata.labels ?? {});
    this.nsLabels = (ns) => nsLabels.get(ns) ?? { "kubernetes.io/metadata.name": ns };
    for (const p of pods) if (occupiesNode(p)) this.assume(p, p.spec.nodeName!);
  }

  node(name: string): NodeInfo | undefined {
    return this.byName.get(name);
  }

  /** Counts `pod` against `nodeName` (replacing any earlier placement of the same pod). False if the node is unknown. */
  assume(pod: Pod | PodInfo, nodeName: string): boolean {
    const node = this.byName.get(nodeName);
    if (!node) return false;
    const info = isPodInfo(pod) ? pod : podInfo(pod);
    this.forget(info.key);
    const placement: Placement = { info, node };
    node.add(info);
    this.placed.set(info.key, placement);
    this.affinity.add(placement);
    return true;
  }

  /** Releases a pod's resources, e.g. when it was deleted or finished. */
  remove(pod: Pod): boolean {
    return this.forget(podKey(pod));
  }

  /** Node a pod is counted against, if any. */
  nodeOf(pod: Pod): string | undefined {
    return this.placed.get(podKey(pod))?.node.name;
  }

  /** Nodes whose label `key` is `value`, i.e. one topology domain. */
  nodesInDomain(key: string, value: string): readonly NodeInfo[] {
    let byValue = this.domains.get(key);
    if (!byValue) {
      byValue = new Map();
      for (const n of this.nodes) {
        const v = n.labels[key];
        if (v === undefined) continue;
        const list = byValue.get(v);
        if (list) list.push(n);
        else byValue.set(v, [n]);
      }
      this.domains.set(key, byValue);
    }
    return byValue.get(value) ?? [];
  }

  /** Every placed pod with its node. */
  placements(): Iterable<Placement> {
    return this.placed.values();
  }

  private forget(key: string): boolean {
    const old = this.placed.get(key);
    if (!old) return false;
    old.node.remove(old.info);
    this.placed.delete(key);
    this.affinity.remove(old);
    return true;
  }
}

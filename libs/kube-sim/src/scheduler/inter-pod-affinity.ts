// InterPodAffinity's required terms. PreFilter finds the topology domains (e.g. hostname=node-1, zone=a) that
// hold matching pods; Filter then tests one node against them. Anti-affinity domains are expanded to node sets
// up front, so the per-node check is a single Set lookup.
import type { ClusterSnapshot, NodeInfo } from "./node-info.js";
import { termMatches, type PodInfo } from "./pod-info.js";

/** Topology key → label values of the domains that hold at least one matching pod. */
type Domains = Map<string, Set<string>>;

function addDomain(d: Domains, key: string, value: string | undefined): void {
  if (value === undefined) return; // a node without the topology label is in no domain
  let values = d.get(key);
  if (!values) d.set(key, (values = new Set()));
  values.add(value);
}

function nodesIn(d: Domains, snapshot: ClusterSnapshot): Set<NodeInfo> {
  const out = new Set<NodeInfo>();
  for (const [key, values] of d) for (const v of values) for (const n of snapshot.nodesInDomain(key, v)) out.add(n);
  return out;
}

export interface InterPodState {
  /** Domains holding pods that match all of the incoming pod's affinity terms. */
  affinity: Domains;
  /** The "first pod of a self-affine group" escape hatch: nothing matches yet but the pod matches its own terms. */
  selfAffine: boolean;
  /** Nodes sharing a domain with a pod the incoming pod's anti-affinity rejects. */
  antiAffinityNodes: ReadonlySet<NodeInfo>;
  /** Nodes sharing a domain with a placed pod whose anti-affinity rejects the incoming pod. */
  existingAntiAffinityNodes: ReadonlySet<NodeInfo>;
}

export function interPodPreFilter(info: PodInfo, snapshot: ClusterSnapshot): InterPodState | undefined {
  const ns = snapshot.nsLabels;
  const index = snapshot.affinity;
  const existing: Domains = new Map();
  // Anti-affinity is symmetric: a placed pod that must not share a domain with us keeps us out of it.
  for (const { term, placement } of index.antiAffinityTermsAgainst(info)) {
    if (placement.info.key !== info.key && termMatches(term, info, ns))
      addDomain(existing, term.topologyKey, placement.node.labels[term.topologyKey]);
  }
  if (info.affinity.length === 0 && info.antiAffinity.length === 0 && existing.size === 0) return undefined;

  const affinity: Domains = new Map();
  const [first] = info.affinity;
  if (first) {
    // A placed pod counts for affinity only if it matches every term, so the first term's candidates suffice.
    for (const { info: other, node } of index.candidates(first)) {
      if (other.key === info.key || !info.affinity.every((t) => termMatches(t, other, ns))) continue;
      for (const t of info.affinity) addDomain(affinity, t.topologyKey, node.labels[t.topologyKey]);
    }
  }
  const anti: Domains = new Map();
  for (const t of info.antiAffinity) {
    for (const { info: other, node } of index.candidates(t)) {
      if (other.key !== info.key && termMatches(t, other, ns)) addDomain(anti, t.topologyKey, node.labels[t.topologyKey]);
    }
  }
  return {
    affinity,
    selfAffine: affinity.size === 0 && info.affinity.every((t) => termMatches(t, info, ns)),
    antiAffinityNodes: nodesIn(anti, snapshot),
    existingAntiAffinityNodes: nodesIn(existing, snapshot),
  };
}

export type InterPodFailure = "affinity" | "antiAffinity" | "existingAntiAffinity";

/** The plugin's Filter, checking affinity, then the pod's anti-affinity, then existing pods' anti-affinity. */
export function interPodFilter(s: InterPodState, info: PodInfo, node: NodeInfo): InterPodFailure | undefined {
  const terms = info.affinity;
  if (terms.length > 0) {
    let podsExist = true;
    for (let i = 0; i < terms.length; i++) {
      const key = terms[i]!.topologyKey;
      const v = node.labels[key];
      if (v === undefined) return "affinity"; // every topology key must exist on the node
      if (!s.affinity.get(key)?.has(v)) podsExist = false;
    }
    if (!podsExist && !s.selfAffine) return "affinity";
  }
  if (s.antiAffinityNodes.has(node)) return "antiAffinity";
  if (s.existingAntiAffinityNodes.has(node)) return "existingAntiAffinity";
  return undefined;
}

// Required inter-pod affinity and anti-affinity, as the InterPodAffinity filter evaluates them: a node passes
// the pod's affinity when, for every term, its topology domain (the node's value of topologyKey) holds a pod
// matching all the terms (or nothing matches anywhere yet and the pod matches its own terms: the first pod of a
// self-affine group); it fails the pod's anti-affinity when a matching pod runs in its domain; and it fails
// when a pod already running in its domain has an anti-affinity term that matches the incoming pod (symmetry).
// Domains are computed once per request, so checking every node is a set lookup.
import type { V1LabelSelector, V1Node, V1Pod, V1PodAffinityTerm } from "@kubernetes/client-node";
import { LabelSelector, labelSelectorFromObject } from "@vigil/contracts";
import type { ClusterCache } from "@vigil/kube";
import { holdsResources } from "./node-fit-resources.js";

interface CompiledTerm {
  topologyKey: string;
  selector: LabelSelector;
  namespaces: ReadonlySet<string>;
  /** Absent without a namespaceSelector; `{}` selects every namespace. */
  namespaceSelector?: LabelSelector;
  text: string;
}

/** metav1.LabelSelectorAsSelector; an invalid selector (which the API server refuses) matches nothing. */
function compile(sel: V1LabelSelector | undefined | null): LabelSelector {
  try {
    return labelSelectorFromObject(sel);
  } catch {
    return LabelSelector.nothing;
  }
}

function compileTerm(owner: V1Pod, term: V1PodAffinityTerm): CompiledTerm {
  const namespaces = new Set(term.namespaces ?? []);
  // Neither namespaces nor namespaceSelector: the term's owner's own namespace.
  if (namespaces.size === 0 && !term.namespaceSelector) namespaces.add(owner.metadata?.namespace ?? "default");
  const selector = compile(term.labelSelector);
  return {
    topologyKey: term.topologyKey,
    selector,
    namespaces,
    ...(term.namespaceSelector ? { namespaceSelector: compile(term.namespaceSelector) } : {}),
    text: `{${selector.toString() || "<nothing>"}} topologyKey=${term.topologyKey}`,
  };
}

type NamespaceLabels = (namespace: string) => Record<string, string> | undefined;

const termMatches = (term: CompiledTerm, pod: V1Pod, nsLabels: NamespaceLabels): boolean => {
  const ns = pod.metadata?.namespace ?? "default";
  const inNamespace = term.namespaces.has(ns) || (term.namespaceSelector?.matches(nsLabels(ns)) ?? false);
  return inNamespace && term.selector.matches(pod.metadata?.labels);
};

const podName = (p: V1Pod): string => `${p.metadata?.namespace}/${p.metadata?.name}`;
const domainKey = (key: string, value: string): string => `${key}=${value}`;

export interface PodAffinityFit {
  conflicts: string[];
  fits: boolean;
}

export interface PodAffinityChecker {
  check(node: V1Node): PodAffinityFit;
}

const NO_CONSTRAINTS: PodAffinityChecker = { check: () => ({ conflicts: [], fits: true }) };

/** Prepares the domains for one pod; `nodes` maps node names to nodes (placed pods are located through them). */
export function preparePodAffinity(pod: V1Pod, cache: ClusterCache, nodes: ReadonlyMap<string, V1Node>): PodAffinityChecker {
  const nsLabels: NamespaceLabels = (ns) => cache.get({ kind: "Namespace", name: ns })?.metadata?.labels;
  const required = (p: V1Pod) => ({
    affinity: p.spec?.affinity?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? [],
    anti: p.spec?.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? [],
  });
  const own = required(pod);
  const affinity = own.affinity.map((t) => compileTerm(pod, t));
  const anti = own.anti.map((t) => compileTerm(pod, t));

  const placed = cache
    .store("Pod")
    .list()
    .filter((p) => p.spec?.nodeName && holdsResources(p) && p.metadata?.uid !== pod.metadata?.uid && nodes.has(p.spec.nodeName));
  const labelOf = (p: V1Pod, key: string): string | undefined => nodes.get(p.spec!.nodeName!)?.metadata?.labels?.[key];

  // Affinity: domains (per term's key) holding a pod that matches every term.
  const affinityDomains = new Set<string>();
  // Anti-affinity of the pod, and of placed pods against it: domain → the pod that makes it a conflict.
  const antiDomains = new Map<string, string>();
  const existingAntiDomains = new Map<string, string>();
  for (const p of placed) {
    if (affinity.length > 0 && affinity.every((t) => termMatches(t, p, nsLabels))) {
      for (const t of affinity) {
        const v = labelOf(p, t.topologyKey);
        if (v !== undefined) affinityDomains.add(domainKey(t.topologyKey, v));
      }
    }
    for (const t of anti) {
      const v = labelOf(p, t.topologyKey);
      if (v !== undefined && termMatches(t, p, nsLabels)) {
        const d = domainKey(t.topologyKey, v);
        if (!antiDomains.has(d)) antiDomains.set(d, `pod anti-affinity ${t.text}: pod ${podName(p)} already runs in ${d}`);
      }
    }
    for (const raw of required(p).anti) {
      const t = compileTerm(p, raw);
      const v = labelOf(p, t.topologyKey);
      if (v !== undefined && termMatches(t, pod, nsLabels)) {
        const d = domainKey(t.topologyKey, v);
        if (!existingAntiDomains.has(d))
          existingAntiDomains.set(d, `existing pod ${podName(p)} in ${d} has anti-affinity ${t.text} that matches this pod`);
      }
    }
  }
  if (affinity.length === 0 && anti.length === 0 && existingAntiDomains.size === 0) return NO_CONSTRAINTS;
  const selfAffine = affinityDomains.size === 0 && affinity.every((t) => termMatches(t, pod, nsLabels));

  return {
    check(node) {
      const labels = node.metadata?.labels ?? {};
      const conflicts: string[] = [];
      for (const t of affinity) {
        const v = labels[t.topologyKey];
        if (v === undefined) conflicts.push(`pod affinity ${t.text}: node has no label ${t.topologyKey}`);
        else if (!affinityDomains.has(domainKey(t.topologyKey, v)) && !selfAffine)
          conflicts.push(`pod affinity ${t.text}: no matching pod runs in ${domainKey(t.topologyKey, v)}`);
      }
      for (const t of anti) {
        const v = labels[t.topologyKey];
        const hit = v === undefined ? undefined : antiDomains.get(domainKey(t.topologyKey, v));
        if (hit && !conflicts.includes(hit)) conflicts.push(hit);
      }
      for (const [d, why] of existingAntiDomains) {
        const [key, value] = [d.slice(0, d.indexOf("=")), d.slice(d.indexOf("=") + 1)];
        if (labels[key] === value) conflicts.push(why);
      }
      return { conflicts, fits: conflicts.length === 0 };
    },
  };
}

// Everything the filters need about a pod, derived once (framework.PodInfo), so the per-node loop only compares.
import type { V1PodAffinityTerm } from "@kubernetes/client-node";
import type { LabelSelector } from "@vigil/contracts";
import type { Labels, Pod } from "../types.js";
import { compileLabelSelector } from "./selectors.js";
import { podRequests, type Resources } from "./requests.js";

/** A required (anti-)affinity term with its selectors compiled (framework.AffinityTerm). */
export interface AffinityTerm {
  topologyKey: string;
  selector: LabelSelector;
  namespaces: ReadonlySet<string>;
  /** Absent when the term has no namespaceSelector; `{}` compiles to "every namespace". */
  namespaceSelector?: LabelSelector;
  /** One label the selector requires (from matchLabels), for index lookups. */
  indexLabel?: [string, string];
}

export interface PodInfo {
  pod: Pod;
  key: string;
  namespace: string;
  labels: Labels;
  requests: Resources;
  /** Requests with scoring defaults for missing cpu/memory, used only by LeastAllocated. */
  nonZero: Resources;
  affinity: AffinityTerm[];
  antiAffinity: AffinityTerm[];
}

export const podKey = (pod: Pod): string => `${pod.metadata.namespace ?? "default"}/${pod.metadata.name ?? pod.metadata.uid ?? ""}`;

function compileTerm(pod: Pod, term: V1PodAffinityTerm): AffinityTerm {
  const namespaces = new Set(term.namespaces ?? []);
  // No namespaces and no namespaceSelector means "the pod's own namespace".
  if (namespaces.size === 0 && !term.namespaceSelector) namespaces.add(pod.metadata.namespace ?? "default");
  const compiled: AffinityTerm = { topologyKey: term.topologyKey, selector: compileLabelSelector(term.labelSelector), namespaces };
  if (term.namespaceSelector) compiled.namespaceSelector = compileLabelSelector(term.namespaceSelector);
  const first = Object.entries(term.labelSelector?.matchLabels ?? {})[0];
  if (first) compiled.indexLabel = first;
  return compiled;
}

export function podInfo(pod: Pod): PodInfo {
  const affinity = pod.spec.affinity;
  return {
    pod,
    key: podKey(pod),
    namespace: pod.metadata.namespace ?? "default",
    labels: pod.metadata.labels ?? {},
    requests: podRequests(pod),
    nonZero: podRequests(pod, true),
    affinity: (affinity?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map((t) => compileTerm(pod, t)),
    antiAffinity: (affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map((t) => compileTerm(pod, t)),
  };
}

export type NamespaceLabels = (namespace: string) => Labels;

/** AffinityTerm.Matches: the pod is in one of the term's namespaces and carries the selected labels. */
export function termMatches(term: AffinityTerm, p: PodInfo, nsLabels: NamespaceLabels): boolean {
  const inNamespace = term.namespaces.has(p.namespace) || (term.namespaceSelector?.matches(nsLabels(p.namespace)) ?? false);
  return inNamespace && term.selector.matches(p.labels);
}

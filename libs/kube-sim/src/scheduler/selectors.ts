// Label selectors (parsed by @vigil/contracts), node selector terms and tolerations with the semantics of
// apimachinery and component-helpers.
import type { V1LabelSelector, V1NodeSelectorTerm } from "@kubernetes/client-node";
import { LabelSelector, labelSelectorFromObject, SelectorError, termMatches } from "@vigil/contracts";
import type { Node } from "../types.js";

/**
 * An affinity term's label selector, compiled once per pod so filtering thousands of nodes does no re-parsing.
 * metav1.LabelSelectorAsSelector: a missing selector matches nothing, an empty one everything. An invalid one
 * (the API server would have refused the pod) matches nothing too, rather than failing the scheduling cycle.
 */
export function compileLabelSelector(sel: V1LabelSelector | null | undefined): LabelSelector {
  try {
    return labelSelectorFromObject(sel);
  } catch (err) {
    if (err instanceof SelectorError) return LabelSelector.nothing;
    throw err;
  }
}

/** Terms are ORed; an empty list matches no node. */
export function matchNodeSelectorTerms(terms: V1NodeSelectorTerm[], node: Node): boolean {
  const labels = node.metadata.labels ?? {};
  return terms.some((t) => termMatches(t, labels, node.metadata.name));
}

export { tolerates, toleratesAny } from "@vigil/contracts";

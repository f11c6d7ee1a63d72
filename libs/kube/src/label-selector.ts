// Label selectors evaluated locally, against cached objects, in the three shapes callers hold them: a selector
// string as `kubectl -l` takes it ("app=web,tier in (a,b),!canary"), a metav1.LabelSelector (Deployments, PDBs,
// NetworkPolicies), or a plain map (a Service's selector). Parsing and matching are @vigil/contracts' (the API
// server's semantics: negative terms match objects without the label); invalid input throws SelectorError.
import type { V1LabelSelector } from "@kubernetes/client-node";
import { type LabelSelector, labelSelectorFromObject, parseLabelSelector } from "@vigil/contracts";

export type LabelSelectorInput = string | V1LabelSelector | Record<string, string>;

const isSelectorObject = (s: object): s is V1LabelSelector => "matchLabels" in s || "matchExpressions" in s;

/** Compiles a selector once, to test many objects. An empty selector (string, object or map) matches everything. */
export function compileSelector(selector: LabelSelectorInput): LabelSelector {
  if (typeof selector === "string") return parseLabelSelector(selector);
  return labelSelectorFromObject(isSelectorObject(selector) ? selector : { matchLabels: selector });
}

/**
 * metav1.LabelSelector semantics for a workload's or a budget's selector: absent (null) selects nothing,
 * empty selects everything.
 */
export function selectorMatches(
  selector: V1LabelSelector | Record<string, string> | undefined | null,
  labels: Record<string, string> | undefined,
): boolean {
  return selector ? compileSelector(selector).matches(labels) : false;
}

// Label selectors (parsed by @vigil/contracts), node selector terms and tolerations with the semantics of
// apimachinery and component-helpers.
import type { V1LabelSelector, V1NodeSelectorRequirement, V1NodeSelectorTerm, V1Taint, V1Toleration } from "@kubernetes/client-node";
import { LabelSelector, labelSelectorFromObject, SelectorError } from "@vigil/contracts";
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

/** One node selector requirement against a label (or field) value; Gt/Lt compare integers. */
function matchRequirement(r: V1NodeSelectorRequirement, value: string | undefined): boolean {
  const values = r.values ?? [];
  switch (r.operator) {
    case "In":
      return value !== undefined && values.includes(value);
    case "NotIn":
      return value === undefined || !values.includes(value);
    case "Exists":
      return value !== undefined;
    case "DoesNotExist":
      return value === undefined;
    case "Gt":
    case "Lt": {
      if (value === undefined || values.length !== 1 || !isInt(value) || !isInt(values[0]!)) return false;
      const [a, b] = [Number(value), Number(values[0])];
      return r.operator === "Gt" ? a > b : a < b;
    }
    default:
      return false;
  }
}

const isInt = (s: string): boolean => /^[+-]?\d+$/.test(s);

/** A term matches when all its expressions and fields do; a term with neither matches no node. */
function matchTerm(t: V1NodeSelectorTerm, node: Node): boolean {
  const exprs = t.matchExpressions ?? [];
  const fields = t.matchFields ?? [];
  if (exprs.length === 0 && fields.length === 0) return false;
  const labels = node.metadata.labels ?? {};
  if (!exprs.every((r) => matchRequirement(r, labels[r.key]))) return false;
  // metadata.name is the only field node affinity supports.
  return fields.every(
    (r) => r.key === "metadata.name" && (r.operator === "In" || r.operator === "NotIn") && matchRequirement(r, node.metadata.name),
  );
}

/** Terms are ORed; an empty list matches no node. */
export function matchNodeSelectorTerms(terms: V1NodeSelectorTerm[], node: Node): boolean {
  return terms.some((t) => matchTerm(t, node));
}

/** v1.Toleration.ToleratesTaint: empty effect and (with Exists) empty key act as wildcards. */
export function tolerates(t: V1Toleration, taint: V1Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  switch (t.operator ?? "Equal") {
    case "Exists":
      return true;
    case "":
    case "Equal":
      return (t.value ?? "") === (taint.value ?? "");
    default:
      return false;
  }
}

export function toleratesAny(tolerations: V1Toleration[], taint: V1Taint): boolean {
  for (let i = 0; i < tolerations.length; i++) if (tolerates(tolerations[i]!, taint)) return true;
  return false;
}

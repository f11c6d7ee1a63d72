// nodeSelector and required node affinity, as the NodeAffinity filter evaluates them (component-helpers
// nodeaffinity): the nodeSelector's labels must all be present with their values, and at least one required
// node selector term must match, a term matching when all its matchExpressions (In, NotIn, Exists,
// DoesNotExist, Gt, Lt on labels) and matchFields (metadata.name only) do. An empty term matches nothing.
import type { V1Node, V1NodeSelectorRequirement, V1NodeSelectorTerm, V1Pod } from "@kubernetes/client-node";
import { fieldRequirementMatches, requirementMatches } from "@vigil/contracts";

const describeRequirement = (r: V1NodeSelectorRequirement, actual: string | undefined, what: string): string => {
  const values = r.operator === "Exists" || r.operator === "DoesNotExist" ? "" : ` [${(r.values ?? []).join(", ")}]`;
  const has = actual === undefined ? `node has no ${what} ${r.key}` : `node has ${r.key}=${actual}`;
  return `${r.key} ${r.operator}${values} (${has})`;
};

/** The requirements of one term the node fails, described; empty when the term matches. */
function termFailures(term: V1NodeSelectorTerm, node: V1Node): string[] {
  const exprs = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (exprs.length === 0 && fields.length === 0) return ["empty node selector term matches no node"];
  const labels = node.metadata?.labels ?? {};
  const out: string[] = [];
  for (const r of exprs) if (!requirementMatches(r, labels[r.key])) out.push(describeRequirement(r, labels[r.key], "label"));
  for (const r of fields) {
    if (!fieldRequirementMatches(r, node.metadata?.name))
      out.push(`field ${describeRequirement(r, r.key === "metadata.name" ? node.metadata?.name : undefined, "field")}`);
  }
  return out;
}

export interface NodeAffinityFit {
  /** "key=value (node has key=other)" per nodeSelector entry the node lacks. */
  unmatchedSelectors: string[];
  /** Per failing required term (terms are ORed, so all of them fail when this is not empty). */
  unmatchedAffinity: string[];
  fits: boolean;
}

export function checkNodeAffinity(pod: V1Pod, node: V1Node): NodeAffinityFit {
  const labels = node.metadata?.labels ?? {};
  const unmatchedSelectors: string[] = [];
  for (const [key, want] of Object.entries(pod.spec?.nodeSelector ?? {})) {
    const has = labels[key];
    if (has !== want)
      unmatchedSelectors.push(`${key}=${want} (${has === undefined ? `node has no label ${key}` : `node has ${key}=${has}`})`);
  }
  const unmatchedAffinity: string[] = [];
  const required = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  if (required) {
    const terms = required.nodeSelectorTerms ?? [];
    const failures = terms.map((t) => termFailures(t, node));
    if (terms.length === 0) unmatchedAffinity.push("required node affinity has no terms: it matches no node");
    else if (failures.every((f) => f.length > 0)) {
      failures.forEach((f, i) => unmatchedAffinity.push(`${terms.length > 1 ? `term ${i + 1}: ` : ""}${f.join(", ")}`));
    }
  }
  return { unmatchedSelectors, unmatchedAffinity, fits: unmatchedSelectors.length === 0 && unmatchedAffinity.length === 0 };
}

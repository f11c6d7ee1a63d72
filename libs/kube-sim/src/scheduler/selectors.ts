// Label selectors, node selector terms and tolerations with the semantics of apimachinery and component-helpers.
// Selectors are compiled once per pod so filtering thousands of nodes does no re-parsing.
import type { V1LabelSelector, V1NodeSelectorRequirement, V1NodeSelectorTerm, V1Taint, V1Toleration } from "@kubernetes/client-node";
import type { Labels, Node } from "../types.js";

type Operator = "In" | "NotIn" | "Exists" | "DoesNotExist";

/**
 * A compiled metav1.LabelSelector. A class rather than closures on purpose: thousands of selectors (one per placed
 * pod's term) then share one monomorphic `matches`, which is several times faster in the affinity hot path.
 */
export class LabelSelectorMatcher {
  static readonly nothing = new LabelSelectorMatcher(false, [], []);
  static readonly everything = new LabelSelectorMatcher(true, [], []);

  private constructor(
    private readonly any: boolean,
    private readonly equals: ReadonlyArray<readonly [string, string]>,
    private readonly exprs: ReadonlyArray<{ key: string; op: Operator; values: ReadonlySet<string> }>,
  ) {}

  /**
   * metav1.LabelSelectorAsSelector: a missing selector matches nothing (as in affinity terms), an empty one
   * matches everything; requirements are ANDed.
   */
  static compile(sel: V1LabelSelector | null | undefined): LabelSelectorMatcher {
    if (!sel) return LabelSelectorMatcher.nothing;
    const exprs: Array<{ key: string; op: Operator; values: ReadonlySet<string> }> = [];
    for (const e of sel.matchExpressions ?? []) {
      if (!["In", "NotIn", "Exists", "DoesNotExist"].includes(e.operator)) return LabelSelectorMatcher.nothing; // invalid selects nothing
      exprs.push({ key: e.key, op: e.operator as Operator, values: new Set(e.values ?? []) });
    }
    const equals = Object.entries(sel.matchLabels ?? {});
    if (equals.length === 0 && exprs.length === 0) return LabelSelectorMatcher.everything;
    return new LabelSelectorMatcher(false, equals, exprs);
  }

  matches(labels: Labels): boolean {
    if (this.any) return true;
    const eq = this.equals;
    const exprs = this.exprs;
    if (eq.length === 0 && exprs.length === 0) return false;
    for (let i = 0; i < eq.length; i++) if (labels[eq[i]![0]] !== eq[i]![1]) return false;
    for (let i = 0; i < exprs.length; i++) {
      const { key, op, values } = exprs[i]!;
      const v = labels[key];
      // NotIn and DoesNotExist match objects that lack the key altogether.
      const ok = op === "In" ? v !== undefined && values.has(v)
        : op === "NotIn" ? v === undefined || !values.has(v)
        : op === "Exists" ? v !== undefined
        : v === undefined;
      if (!ok) return false;
    }
    return true;
  }
}

export const compileLabelSelector = (sel: V1LabelSelector | null | undefined): LabelSelectorMatcher => LabelSelectorMatcher.compile(sel);

/** One node selector requirement against a label (or field) value; Gt/Lt compare integers. */
function matchRequirement(r: V1NodeSelectorRequirement, value: string | undefined): boolean {
  const values = r.values ?? [];
  switch (r.operator) {
    case "In": return value !== undefined && values.includes(value);
    case "NotIn": return value === undefined || !values.includes(value);
    case "Exists": return value !== undefined;
    case "DoesNotExist": return value === undefined;
    case "Gt":
    case "Lt": {
      if (value === undefined || values.length !== 1 || !isInt(value) || !isInt(values[0]!)) return false;
      const [a, b] = [Number(value), Number(values[0])];
      return r.operator === "Gt" ? a > b : a < b;
    }
    default: return false;
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
  return fields.every((r) => r.key === "metadata.name" && (r.operator === "In" || r.operator === "NotIn") && matchRequirement(r, node.metadata.name));
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
    case "Exists": return true;
    case "":
    case "Equal": return (t.value ?? "") === (taint.value ?? "");
    default: return false;
  }
}

export function toleratesAny(tolerations: V1Toleration[], taint: V1Taint): boolean {
  for (let i = 0; i < tolerations.length; i++) if (tolerates(tolerations[i]!, taint)) return true;
  return false;
}

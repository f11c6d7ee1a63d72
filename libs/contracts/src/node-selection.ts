// Which nodes a pod may land on, in the API's own semantics (component-helpers nodeaffinity, v1.Toleration
// ToleratesTaint): shared by the simulator's scheduler and the analyzer's scheduling views, so both read a
// node selector term or a toleration exactly alike. Structural types: client-node models fit them.

export interface NodeSelectorRequirementLike {
  key: string;
  operator: string;
  values?: string[];
}

export interface NodeSelectorTermLike {
  matchExpressions?: NodeSelectorRequirementLike[];
  matchFields?: NodeSelectorRequirementLike[];
}

export interface TaintLike {
  key: string;
  value?: string;
  effect: string;
}

export interface TolerationLike {
  key?: string;
  operator?: string;
  value?: string;
  effect?: string;
}

const isInt = (s: string): boolean => /^[+-]?\d+$/.test(s);

/** One requirement against a label (or field) value; Gt/Lt compare integers, and a non-integer never matches. */
export function requirementMatches(r: NodeSelectorRequirementLike, value: string | undefined): boolean {
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
      return r.operator === "Gt" ? Number(value) > Number(values[0]) : Number(value) < Number(values[0]);
    }
    default:
      return false;
  }
}

/** metadata.name with In/NotIn is the only field a node selector term may use. */
export function fieldRequirementMatches(r: NodeSelectorRequirementLike, nodeName: string | undefined): boolean {
  return r.key === "metadata.name" && (r.operator === "In" || r.operator === "NotIn") && requirementMatches(r, nodeName);
}

/** A term matches when all its expressions and fields do; a term with neither matches no node. */
export function termMatches(t: NodeSelectorTermLike, labels: Readonly<Record<string, string>>, nodeName: string | undefined): boolean {
  const exprs = t.matchExpressions ?? [];
  const fields = t.matchFields ?? [];
  if (exprs.length === 0 && fields.length === 0) return false;
  return exprs.every((r) => requirementMatches(r, labels[r.key])) && fields.every((r) => fieldRequirementMatches(r, nodeName));
}

/** ToleratesTaint: an empty effect matches every effect, an empty key (valid only with Exists) every key. */
export function tolerates(t: TolerationLike, taint: TaintLike): boolean {
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

export function toleratesAny(tolerations: readonly TolerationLike[], taint: TaintLike): boolean {
  for (let i = 0; i < tolerations.length; i++) if (tolerates(tolerations[i]!, taint)) return true;
  return false;
}

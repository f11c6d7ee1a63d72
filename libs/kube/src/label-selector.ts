// Label selectors evaluated locally, against cached objects: a selector string as `kubectl -l` takes it
// ("app=web,tier in (a,b),!canary"), a metav1.LabelSelector (Deployments, PDBs, NetworkPolicies), or a plain
// map (a Service's selector). Semantics as the API server's: negative terms match objects without the label.
import type { V1LabelSelector } from "@kubernetes/client-node";

export type Labels = Record<string, string> | undefined;
export type LabelMatcher = (labels: Labels) => boolean;
export type LabelSelectorInput = string | V1LabelSelector | Record<string, string>;

type Requirement = { key: string; op: "in" | "notin" | "exists" | "!"; values: string[] };

const match = (r: Requirement, labels: Record<string, string>): boolean => {
  const has = Object.hasOwn(labels, r.key);
  switch (r.op) {
    case "in": return has && r.values.includes(labels[r.key]!);
    case "notin": return !has || !r.values.includes(labels[r.key]!);
    case "exists": return has;
    case "!": return !has;
  }
};

const matcherOf = (reqs: Requirement[]): LabelMatcher => (labels) => reqs.every((r) => match(r, labels ?? {}));

const isSelectorObject = (s: object): s is V1LabelSelector => "matchLabels" in s || "matchExpressions" in s;

const OPERATORS: Record<string, Requirement["op"]> = { In: "in", NotIn: "notin", Exists: "exists", DoesNotExist: "!" };

/** Compiles a selector once, to test many objects. An empty selector (string or object) matches everything. */
export function compileSelector(selector: LabelSelectorInput): LabelMatcher {
  if (typeof selector === "string") return matcherOf(parseSelector(selector));
  if (!isSelectorObject(selector)) return matcherOf(Object.entries(selector).map(([key, v]) => ({ key, op: "in", values: [v] })));
  const reqs: Requirement[] = Object.entries(selector.matchLabels ?? {}).map(([key, v]) => ({ key, op: "in", values: [v] }));
  for (const e of selector.matchExpressions ?? []) {
    const op = OPERATORS[e.operator];
    if (!op) throw new Error(`label selector: unknown operator "${e.operator}" (In, NotIn, Exists, DoesNotExist)`);
    reqs.push({ key: e.key, op, values: e.values ?? [] });
  }
  return matcherOf(reqs);
}

/**
 * metav1.LabelSelector semantics for a workload's or a budget's selector: absent (null) selects nothing,
 * empty selects everything.
 */
export function selectorMatches(selector: V1LabelSelector | Record<string, string> | undefined | null, labels: Labels): boolean {
  return selector ? compileSelector(selector)(labels) : false;
}

/** Splits on commas outside parentheses. */
function terms(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = "";
  for (const c of s) {
    if (c === "(") depth++;
    if (c === ")") depth--;
    if (c === "," && depth === 0) {
      out.push(cur);
      cur = "";
    } else cur += c;
  }
  out.push(cur);
  return out.map((t) => t.trim()).filter((t) => t.length > 0);
}

const SET = /^([^\s!=()]+)\s+(in|notin)\s*\(([^)]*)\)$/;
const EQUALITY = /^([^\s!=()]+)\s*(==|=|!=)\s*([^\s!=(),]*)$/;
const KEY = /^(!?)\s*([^\s!=(),]+)$/;

function parseSelector(s: string): Requirement[] {
  return terms(s).map((term): Requirement => {
    let m = SET.exec(term);
    if (m) return { key: m[1]!, op: m[2] as "in" | "notin", values: m[3]!.split(",").map((v) => v.trim()).filter((v) => v.length > 0) };
    m = EQUALITY.exec(term);
    if (m) return { key: m[1]!, op: m[2] === "!=" ? "notin" : "in", values: [m[3]!] };
    m = KEY.exec(term);
    if (m) return { key: m[2]!, op: m[1] ? "!" : "exists", values: [] };
    throw new Error(`label selector: cannot parse "${term}" (expected key, !key, key=value, key!=value, key in (a,b) or key notin (a,b))`);
  });
}

// Loading and validating rules: the shipped defaults plus an operator's YAML file, checked at start with every
// problem reported at once, each naming the rule and the field ("rule oom-raise-limit: then.parameters.limit.factor:
// must be ≤ 4"). Operator rules replace shipped rules of the same id, and add the others.
import { readFileSync } from "node:fs";
import { formatPath, getAction, validateActionParameters } from "@vigil/contracts";
import { parseDocument } from "yaml";
import { ruleSchema, rulesFileSchema, type Rule, type RuleInput } from "./rule-schema.js";
import { placeholderProblems } from "./templates.js";

export class RulesFileError extends Error {
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`invalid rules (${source}):\n  ${problems.join("\n  ")}`);
    this.name = "RulesFileError";
  }
}

/** Sample values for placeholders, so templated parameters are validated against the action's schema at load. */
function sampleRender(value: unknown): unknown {
  if (typeof value === "string") {
    const whole = /^\{\{\s*([A-Za-z0-9_.]+)\s*\}\}$/.exec(value);
    if (whole) return whole[1]!.startsWith("evidence.") ? 10 : whole[1] === "node" ? "node-1" : "app";
    return value.replace(/\{\{[^}]*\}\}/g, "x");
  }
  if (Array.isArray(value)) return value.map(sampleRender);
  if (value && typeof value === "object") {
    if ("$step" in value) return 15;
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, sampleRender(v)]));
  }
  return value;
}

function texts(value: unknown, path: string, out: Array<[string, string]>): void {
  if (typeof value === "string") out.push([path, value]);
  else if (Array.isArray(value)) value.forEach((v, i) => texts(v, `${path}[${i}]`, out));
  else if (value && typeof value === "object") for (const [k, v] of Object.entries(value)) texts(v, path ? `${path}.${k}` : k, out);
}

/** What a valid-looking rule still gets wrong against the catalog and the placeholders. */
function semanticProblems(rule: Rule): string[] {
  const problems: string[] = [];
  const t = rule.then;
  const all: Array<[string, string]> = [];
  texts({ reasoning: t.reasoning, reasons: t.reasons, alternatives: t.alternatives, parameters: t.parameters }, "then", all);
  for (const [path, text] of all) for (const p of placeholderProblems(text)) problems.push(`${path}: ${p}`);
  if (t.kind !== "action") {
    if (Object.keys(t.parameters).length > 0) problems.push(`then.parameters: only an action has parameters (kind is ${t.kind})`);
    if (t.onceThenEscalate) problems.push(`then.onceThenEscalate: only for kind action`);
    return problems;
  }
  const def = getAction(t.action!);
  const kinds = def.targetKinds as readonly string[];
  if (t.target === "node" && !kinds.includes("Node")) problems.push(`then.target: ${def.name} does not act on a Node`);
  for (const [i, k] of (t.targetKinds ?? []).entries())
    if (!kinds.includes(k)) problems.push(`then.targetKinds[${i}]: ${def.name} acts on ${kinds.join(", ")}, not ${k}`);
  const v = validateActionParameters(def.name, sampleRender(t.parameters));
  if (!v.ok) for (const issue of v.issues) problems.push(`then.${issue.path}: ${issue.message}`);
  return problems;
}

/** Validates raw rules (from YAML or code): the rules, or every problem of every rule. */
export function validateRules(raw: readonly unknown[], source: string): Rule[] {
  const problems: string[] = [];
  const rules: Rule[] = [];
  const seen = new Set<string>();
  raw.forEach((item, index) => {
    const rawId = item && typeof item === "object" ? (item as { id?: unknown }).id : undefined;
    const name = typeof rawId === "string" && rawId ? rawId : `#${index + 1}`;
    const parsed = ruleSchema.safeParse(item);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const path = formatPath(issue.path) || "(rule)";
        const keys = issue.code === "unrecognized_keys" ? ` (${issue.keys.join(", ")})` : "";
        problems.push(`rule ${name}: ${path}: ${issue.message}${keys}`);
      }
      return;
    }
    if (seen.has(parsed.data.id)) problems.push(`rule ${name}: id: appears twice in ${source}`);
    seen.add(parsed.data.id);
    const semantic = semanticProblems(parsed.data);
    for (const p of semantic) problems.push(`rule ${name}: ${p}`);
    if (semantic.length === 0) rules.push(parsed.data);
  });
  if (problems.length > 0) throw new RulesFileError(source, problems);
  return rules;
}

/** The rules of an operator's YAML file (`rules: [...]`), validated. */
export function readRulesFile(file: string): Rule[] {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new RulesFileError(file, [`cannot read the file: ${(e as Error).message}`]);
  }
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0)
    throw new RulesFileError(
      file,
      doc.errors.map((e) => `YAML: ${e.message}`),
    );
  const shape = rulesFileSchema.safeParse(doc.toJS() ?? {});
  if (!shape.success)
    throw new RulesFileError(
      file,
      shape.error.issues.map((i) => `${formatPath(i.path) || "(file)"}: ${i.message}`),
    );
  return validateRules(shape.data.rules, file);
}

/**
 * Shipped rules with the operator's merged in: an operator rule replaces the shipped rule of its id, new ids are
 * added; disabled rules are dropped; ordered by priority, ties in order (shipped first).
 */
export function mergeRules(shipped: readonly Rule[], operator: readonly Rule[]): Rule[] {
  const byId = new Map<string, Rule>(shipped.map((r) => [r.id, r]));
  for (const r of operator) byId.set(r.id, r);
  return [...byId.values()]
    .map((r, i) => ({ r, i }))
    .filter(({ r }) => r.enabled)
    .sort((a, b) => a.r.priority - b.r.priority || a.i - b.i)
    .map(({ r }) => r);
}

export const validateShipped = (rules: readonly RuleInput[]): Rule[] => validateRules(rules, "shipped rules");

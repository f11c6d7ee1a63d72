// Placeholders in a rule's texts and parameters, filled from the diagnosis: `{{finding.container}}`,
// `{{evidence.maxReplicas}}`, `{{node}}`... and `{ $step: ... }` for a bounded number. A placeholder with no
// value makes the rendering fail (the rule then passes): a parameter is never guessed.
import type { DiagnosisMessage, Finding, ResourceRef } from "@vigil/contracts";
import { numericStep, type NumericStep, type TargetSelector } from "./rule-schema.js";

/** What placeholders read: the diagnosis and the finding the rule matched (the main finding when none). */
export interface TemplateScope {
  diagnosis: DiagnosisMessage;
  finding?: Finding;
}

export class TemplateError extends Error {}

/** The names a placeholder may use (checked when rules are loaded). */
export const placeholderNames = [
  "alertname",
  "severity",
  "summary",
  "node",
  "finding.code",
  "finding.summary",
  "finding.detail",
  "finding.kind",
  "finding.name",
  "finding.namespace",
  "finding.container",
  "target.kind",
  "target.name",
  "target.namespace",
  "target.container",
  "owner.kind",
  "owner.name",
  "owner.namespace",
] as const;

const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_.]+)\s*\}\}/g;

/** Problems of the placeholders in a text (unknown names), for load-time validation. */
export function placeholderProblems(text: string): string[] {
  return [...text.matchAll(PLACEHOLDER)]
    .map((m) => m[1]!)
    .filter((name) => !(placeholderNames as readonly string[]).includes(name) && !/^evidence\.[A-Za-z0-9_]+$/.test(name))
    .map((name) => `unknown placeholder {{${name}}} (known: ${placeholderNames.join(", ")}, evidence.<field>)`);
}

const refField = (ref: ResourceRef | undefined, field: string): unknown => (ref ? (ref as Record<string, unknown>)[field] : undefined);

/** The node the decision concerns: the finding's or target's Node, else the node whose pressure the context shows. */
export function nodeOf(scope: TemplateScope): string | undefined {
  const { finding, diagnosis: d } = scope;
  if (finding?.resource.kind === "Node") return finding.resource.name;
  if (d.target?.kind === "Node") return d.target.name;
  if (d.owner.kind === "Node") return d.owner.name;
  return d.context.nodePressure?.node;
}

function valueOf(name: string, scope: TemplateScope): unknown {
  const { diagnosis: d, finding } = scope;
  const [head, field] = name.split(".", 2) as [string, string | undefined];
  switch (head) {
    case "alertname":
      return d.alertname;
    case "severity":
      return d.severity;
    case "summary":
      return d.summary;
    case "node":
      return nodeOf(scope);
    case "target":
      return refField(d.target, field ?? "");
    case "owner":
      return refField(d.owner, field ?? "");
    case "finding":
      if (!finding) return undefined;
      if (field === "code" || field === "summary" || field === "detail") return finding[field];
      return refField(finding.resource, field ?? "");
    case "evidence":
      // The first object evidence of the finding with that field: how analyzers expose numbers (maxReplicas...).
      for (const e of finding?.evidence ?? []) {
        if (e.kind === "object" && e.fields && field && e.fields[field] !== undefined) return e.fields[field];
      }
      return undefined;
    default:
      return undefined;
  }
}

/** Fills a text's placeholders; throws TemplateError for one with no value. */
export function renderText(text: string, scope: TemplateScope): string {
  return text.replace(PLACEHOLDER, (_, name: string) => {
    const v = valueOf(name, scope);
    if (v === undefined || v === null) throw new TemplateError(`{{${name}}} has no value in this diagnosis`);
    return typeof v === "string" ? v : JSON.stringify(v);
  });
}

function step(s: NumericStep, scope: TemplateScope): number {
  const base = valueOf(s.of.replace(/^\{\{\s*|\s*\}\}$/g, ""), scope);
  if (typeof base !== "number" || !Number.isFinite(base)) throw new TemplateError(`$step.of ${s.of} is not a number in this diagnosis`);
  const increase = Math.min(Math.max(1, Math.ceil(base * s.factor) - base), s.maxIncrease ?? Infinity);
  return Math.min(base + increase, s.max ?? Infinity);
}

/** Renders parameter values deeply: placeholders in strings, `{ $step }` objects. */
export function renderValue(value: unknown, scope: TemplateScope): unknown {
  if (typeof value === "string") {
    const whole = /^\{\{\s*([A-Za-z0-9_.]+)\s*\}\}$/.exec(value);
    if (whole) {
      const v = valueOf(whole[1]!, scope);
      if (v === undefined || v === null || v === "") throw new TemplateError(`{{${whole[1]}}} has no value in this diagnosis`);
      return v;
    }
    return renderText(value, scope);
  }
  if (Array.isArray(value)) return value.map((v) => renderValue(v, scope));
  if (value && typeof value === "object") {
    const obj = value as Record<string, unknown>;
    if ("$step" in obj) return step(numericStep.parse(obj.$step), scope);
    return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, renderValue(v, scope)]));
  }
  return value;
}

/** The object the decision acts on, without the container (actions name the container in their parameters). */
export function selectTarget(selector: TargetSelector, scope: TemplateScope): ResourceRef | undefined {
  const strip = (r: ResourceRef | undefined): ResourceRef | undefined =>
    r ? { kind: r.kind, name: r.name, ...(r.namespace ? { namespace: r.namespace } : {}) } : undefined;
  switch (selector) {
    case "finding":
      return strip(scope.finding?.resource);
    case "target":
      return strip(scope.diagnosis.target);
    case "owner":
      return strip(scope.diagnosis.owner);
    case "node": {
      const node = nodeOf(scope);
      return node ? { kind: "Node", name: node } : undefined;
    }
  }
}

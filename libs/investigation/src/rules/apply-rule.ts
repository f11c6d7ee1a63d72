// One matched rule turned into a decision: texts and parameters rendered, the target chosen, and the
// effectiveness history consulted (once-then-escalate, and never again an action that recently did not help).
import { derive, getAction, proposalMessage, validateActionParameters, type ActionName, type DiagnosisMessage } from "@vigil/contracts";
import type { EffectivenessHistory } from "@vigil/toolbox";
import { NO_TOKENS, type Decision } from "../decision.js";
import { recentFailure, triedRecently } from "./effectiveness.js";
import type { Match } from "./match.js";
import type { Rule } from "./rule-schema.js";
import { renderText, renderValue, selectTarget, TemplateError, type TemplateScope } from "./templates.js";

/** Candidate actions that are not themselves "tell a human": what an escalation suggests by default. */
const NOT_A_FIX = new Set<ActionName>(["escalate", "notify_only"]);
export const firstFix = (d: DiagnosisMessage): ActionName | undefined => d.candidateActions.find((a) => !NOT_A_FIX.has(a));

const common = (rule: Rule, d: DiagnosisMessage, reasoning: string) => ({
  confidence: rule.then.confidence,
  reasoning,
  hypotheses: d.hypotheses,
  source: "rules" as const,
  ruleId: rule.id,
  tokens: { ...NO_TOKENS },
  estimatedCostUsd: 0,
});

export function escalation(rule: Rule, d: DiagnosisMessage, reasons: string[], suggestedAction?: ActionName): Decision {
  return { ...common(rule, d, reasons.join(" ")), kind: "escalate", reasons, ...(suggestedAction ? { suggestedAction } : {}) };
}

/** Schema problems of a decision as the published proposal (never propose what the contract refuses). */
export function decisionProblems(d: DiagnosisMessage, decision: Decision): string | undefined {
  const parsed = proposalMessage.safeParse({
    ...derive(d, { id: `${d.id}:check` }),
    diagnosisId: d.id,
    proposedAt: d.analyzedAt,
    latencyMs: 0,
    ...decision,
  });
  return parsed.success ? undefined : parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
}

/**
 * The rule's decision, or undefined when it does not apply after all (a placeholder without a value, no target
 * of a kind the action takes, parameters the catalog refuses): the next rule decides then.
 */
export async function applyRule(
  rule: Rule,
  d: DiagnosisMessage,
  match: Match,
  history: EffectivenessHistory,
): Promise<Decision | undefined> {
  const t = rule.then;
  const scope: TemplateScope = { diagnosis: d, finding: match.finding };
  let reasoning: string;
  let reasons: string[];
  try {
    reasoning = renderText(t.reasoning, scope);
    // A placeholder may render empty (a finding without detail): such a reason is dropped, not published empty.
    reasons = (t.reasons ?? [t.reasoning]).map((r) => renderText(r, scope).trim()).filter((r) => r.length > 0);
  } catch (e) {
    if (e instanceof TemplateError) return undefined;
    throw e;
  }
  if (t.kind !== "action") {
    const decision: Decision =
      t.kind === "no_action"
        ? { ...common(rule, d, reasoning), kind: "no_action", reasons }
        : { ...common(rule, d, reasoning), kind: "escalate", reasons, ...suggested(t.suggestedAction ?? firstFix(d)) };
    const problems = decisionProblems(d, decision);
    return problems ? escalation(rule, d, [`${rule.id} built an invalid ${t.kind} decision: ${problems}`]) : decision;
  }

  const def = getAction(t.action!);
  const target = selectTarget(t.target, scope);
  if (!target || !(def.targetKinds as readonly string[]).includes(target.kind)) return undefined;
  if (t.targetKinds && !(t.targetKinds as readonly string[]).includes(target.kind)) return undefined;
  let parameters: Record<string, unknown>;
  let alternatives: Array<{ action: ActionName; whyNot: string }>;
  try {
    parameters = renderValue(t.parameters, scope) as Record<string, unknown>;
    alternatives = t.alternatives.map((a) => ({ action: a.action, whyNot: renderText(a.whyNot, scope) }));
  } catch (e) {
    if (e instanceof TemplateError) return undefined;
    throw e;
  }
  if (!validateActionParameters(def.name, parameters).ok) return undefined;

  const fallback = t.fallback.suggestedAction;
  try {
    const tried = t.onceThenEscalate ? await triedRecently(history, d, def.name) : undefined;
    if (tried)
      return escalation(
        rule,
        d,
        [tried, `${rule.id} proposes ${def.name} once; a human decides what next`],
        fallback ?? "collect_diagnostics",
      );
    const failed = await recentFailure(history, d, def.name);
    if (failed) return escalation(rule, d, [failed, `not proposing ${def.name} again: the loop is broken, a human decides`], fallback);
  } catch (e) {
    // Fail closed: without the history we cannot tell whether this fix already failed here.
    return escalation(rule, d, [`effectiveness history unavailable (${(e as Error).message}): not proposing ${def.name} blind`], def.name);
  }

  const decision: Decision = {
    ...common(rule, d, reasoning),
    kind: "action",
    action: def.name,
    target,
    parameters,
    risk: def.risk,
    alternatives,
  };
  const problems = decisionProblems(d, decision);
  return problems ? escalation(rule, d, [`${rule.id} built an invalid ${def.name} proposal: ${problems}`], def.name) : decision;
}

const suggested = (a: ActionName | undefined) => (a ? { suggestedAction: a } : {});

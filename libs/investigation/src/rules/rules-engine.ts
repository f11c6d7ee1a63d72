// The deterministic rules engine: the first enabled rule (by priority) whose `when` holds and that applies
// decides. It works offline, and the investigator falls back to it whenever the LLM cannot decide.
import type { DiagnosisMessage } from "@vigil/contracts";
import type { EffectivenessHistory } from "@vigil/toolbox";
import { NO_TOKENS, type Decision } from "../decision.js";
import { applyRule, firstFix } from "./apply-rule.js";
import { matchRule } from "./match.js";
import type { Rule } from "./rule-schema.js";
import { mergeRules, readRulesFile, validateShipped } from "./rules-file.js";
import { shippedRules } from "./shipped-rules.js";

export interface RulesEngine {
  readonly rules: readonly Rule[];
  decide(diagnosis: DiagnosisMessage, history: EffectivenessHistory): Promise<Decision>;
}

/** The ruleId of the decision taken when no rule applies (every shipped catch-all switched off by the operator). */
export const NO_RULE_ID = "no-rule-applied";

/** One rule alone: its decision, or undefined when it does not match or apply. What the per-rule tests call. */
export async function decideWithRule(rule: Rule, d: DiagnosisMessage, history: EffectivenessHistory): Promise<Decision | undefined> {
  const match = matchRule(rule.when, d);
  return match ? applyRule(rule, d, match, history) : undefined;
}

/** When nothing applies: nothing wrong → no_action, else a human looks. */
function noRule(d: DiagnosisMessage): Decision {
  const base = {
    confidence: 0.5,
    hypotheses: d.hypotheses,
    source: "rules" as const,
    ruleId: NO_RULE_ID,
    tokens: { ...NO_TOKENS },
    estimatedCostUsd: 0,
  };
  if (d.outcome !== "issue_found") return { ...base, kind: "no_action", reasoning: d.summary, reasons: [d.summary] };
  const fix = firstFix(d);
  const reasons = [`no rule applies to this diagnosis: ${d.summary}`];
  return { ...base, kind: "escalate", reasoning: reasons[0]!, reasons, ...(fix ? { suggestedAction: fix } : {}) };
}

export function createRulesEngine(rules: readonly Rule[]): RulesEngine {
  return {
    rules,
    async decide(d, history) {
      for (const rule of rules) {
        const decision = await decideWithRule(rule, d, history);
        if (decision) return decision;
      }
      return noRule(d);
    },
  };
}

/** The shipped rules, validated once (a broken default is a bug: it throws at import, in every test). */
export const defaultRules: readonly Rule[] = validateShipped(shippedRules);

/** Shipped defaults plus the operator's YAML file; throws RulesFileError listing every problem. */
export function loadRulesEngine(opts: { file?: string } = {}): RulesEngine {
  const operator = opts.file ? readRulesFile(opts.file) : [];
  return createRulesEngine(mergeRules(defaultRules, operator));
}

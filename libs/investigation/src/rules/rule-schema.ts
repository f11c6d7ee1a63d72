// What a rule is: data, not code. `when` says which diagnoses it decides (every condition given must hold),
// `then` says the decision. The shipped defaults (shipped-rules.ts) and an operator's YAML file share this one
// schema, so both are validated the same way, and each rule can be tested alone with `decideWithRule`.
import { catalogActionName, diagnosisOutcome, findingCode, findingSeverity, targetKind } from "@vigil/contracts";
import { z } from "zod";

export const ruleId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "must be lower-case letters, digits and '-' (at most 63)");

const codes = z.array(findingCode).min(1, "must name at least one finding code");

/** An alertname: exact, or a regular expression between slashes (`/^Falco/`). */
const alertnamePattern = z
  .string()
  .min(1)
  .superRefine((s, ctx) => {
    if (!(s.length > 2 && s.startsWith("/") && s.endsWith("/"))) return;
    try {
      new RegExp(s.slice(1, -1));
    } catch (e) {
      ctx.addIssue({ code: "custom", message: `is not a valid regular expression: ${(e as Error).message}` });
    }
  });

export const ruleWhen = z.strictObject({
  /** The diagnosis' outcome is one of these (rules without it apply to issue_found only). */
  outcome: z.array(diagnosisOutcome).min(1).optional(),
  /**
   * The main finding has one of these codes: the first (the analyzer orders the cause of the alert first), or, when
   * that is a workload's symptom, the pod finding its best supported hypothesis rests on (match.ts: mainFindingOf).
   */
  mainFinding: codes.optional(),
  /** Some finding has one of these codes (the first such finding is the rule's finding when mainFinding is absent). */
  anyFinding: codes.optional(),
  /** Every one of these codes is among the findings as well. */
  allFindings: codes.optional(),
  /** None of these codes is among the findings. */
  noFinding: codes.optional(),
  /** The triggering alert's name (exact, or `/regex/`). */
  alertname: z.array(alertnamePattern).min(1).optional(),
  severity: z.array(findingSeverity).min(1).optional(),
  /** One of these actions is among the analysis' candidate actions (analyzers offer a fix only when it applies). */
  candidateActions: z.array(catalogActionName).min(1).optional(),
  /** The analysis correlated the failure with a recent rollout (a WORKLOAD_RECENT_ROLLOUT finding), or did not. */
  recentRollout: z.boolean().optional(),
  /** The newest rollout changed the images of the one before it (context.rollouts), or did not. */
  imageChanged: z.boolean().optional(),
  /** Kind of the alert's target (Pod, Node...). */
  targetKind: z.array(z.string().min(1)).min(1).optional(),
  /** Kind of the incident's owner (Deployment, StatefulSet, Node...). */
  ownerKind: z.array(z.string().min(1)).min(1).optional(),
});
export type RuleWhen = z.infer<typeof ruleWhen>;

/** Where the action points: the rule's finding's object, the alert's target, the incident's owner, or the node. */
export const targetSelector = z.enum(["finding", "target", "owner", "node"]);
export type TargetSelector = z.infer<typeof targetSelector>;

/**
 * A bounded numeric step from a number in the finding (`evidence.maxReplicas`): `of × factor`, rounded up, at
 * least +1, at most +maxIncrease, never above max. How "raise by a bounded step" is written as data.
 */
export const numericStep = z.strictObject({
  of: z.string().min(1),
  factor: z.number().gt(1, "must be > 1").max(4, "must be at most 4"),
  maxIncrease: z.number().int().positive().optional(),
  max: z.number().int().positive().optional(),
});
export type NumericStep = z.infer<typeof numericStep>;

const reasonsText = z.array(z.string().min(1)).min(1);

export const ruleThen = z
  .strictObject({
    kind: z.enum(["action", "escalate", "no_action"]),
    /** The catalog action (kind action). */
    action: catalogActionName.optional(),
    /** What a human should consider (kind escalate); default: the first candidate action that changes something. */
    suggestedAction: catalogActionName.optional(),
    target: targetSelector.default("finding"),
    /**
     * Parameters of the action. Strings may hold `{{finding.container}}`-style placeholders (a string that is one
     * placeholder keeps the value's type); `{ $step: { of, factor, maxIncrease, max } }` computes a bounded number.
     */
    parameters: z.record(z.string(), z.unknown()).default({}),
    /** Target kinds the rule may act on (a subset of the action's); another kind makes the rule pass. */
    targetKinds: z.array(targetKind).min(1).optional(),
    confidence: z.number().min(0).max(1).default(0.5),
    /** One paragraph, with placeholders. */
    reasoning: z.string().min(1),
    /** For escalate / no_action: the reasons, with placeholders (default: the reasoning). */
    reasons: reasonsText.optional(),
    /** Other actions considered, and why not (with placeholders). */
    alternatives: z.array(z.strictObject({ action: catalogActionName, whyNot: z.string().min(1) })).default([]),
    /** Propose the action once per owner (within the history window); after that, escalate instead. */
    onceThenEscalate: z.boolean().default(false),
    /** The suggested action of that escalation, and of a loop broken by effectiveness history. */
    fallback: z.strictObject({ suggestedAction: catalogActionName.optional() }).default({}),
  })
  .superRefine((t, ctx) => {
    if (t.kind === "action" && !t.action) ctx.addIssue({ code: "custom", path: ["action"], message: "is required for kind action" });
    if (t.kind !== "action" && t.action)
      ctx.addIssue({ code: "custom", path: ["action"], message: `is only for kind action (use suggestedAction for ${t.kind})` });
    if (t.kind !== "escalate" && t.suggestedAction)
      ctx.addIssue({ code: "custom", path: ["suggestedAction"], message: "is only for kind escalate" });
  });
export type RuleThen = z.infer<typeof ruleThen>;

export const ruleSchema = z.strictObject({
  id: ruleId,
  description: z.string().min(1),
  /** Lower first; rules of equal priority keep their order (shipped, then the operator's). */
  priority: z.number().int().min(0).max(10_000),
  /** false switches a shipped rule off (an operator's rule with its id and enabled: false). */
  enabled: z.boolean().default(true),
  when: ruleWhen.default({}),
  then: ruleThen,
});
export type Rule = z.infer<typeof ruleSchema>;
export type RuleInput = z.input<typeof ruleSchema>;

/** An operator's rules file: `rules:` (a list of rules). */
export const rulesFileSchema = z.strictObject({ rules: z.array(z.unknown()).default([]) });

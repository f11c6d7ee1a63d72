import { z } from "zod";
import { actionRisk, catalogActionName, getAction, parameterIssues } from "./catalog/index.js";
import { hypothesis } from "./evidence.js";
import { confidence, messageId, resourceRef, timestamp } from "./message.js";
import { pipelineBase } from "./pipeline.js";

export const proposalSource = z.enum(["llm", "rules"]);
export type ProposalSource = z.infer<typeof proposalSource>;

/** Fields every proposal has, whatever it decides. */
const proposalCommon = pipelineBase.extend({
  diagnosisId: messageId,
  confidence,
  reasoning: z.string().min(1),
  /** Best first; evidence refs point at the diagnosis' evidence ids. */
  hypotheses: z.array(hypothesis).default([]),
  source: proposalSource,
  /** The model that decided (absent for the rules engine). */
  model: z.string().min(1).optional(),
  /** The rule that decided, for the rules engine. */
  ruleId: z.string().min(1).optional(),
  tokens: z.object({ prompt: z.number().int().nonnegative(), completion: z.number().int().nonnegative() }),
  /** From the configured price table per model; 0 for rules. */
  estimatedCostUsd: z.number().nonnegative(),
  latencyMs: z.number().nonnegative(),
  proposedAt: timestamp,
});

const actionProposal = proposalCommon
  .extend({
    kind: z.literal("action"),
    action: catalogActionName,
    target: resourceRef,
    /** Validated against the action's parameter schema (as given; the executor applies defaults). */
    parameters: z.record(z.string(), z.unknown()),
    risk: actionRisk,
    /** Other catalog actions considered, and why not. */
    alternatives: z.array(z.object({ action: catalogActionName, whyNot: z.string().min(1) })).default([]),
  })
  .superRefine((p, ctx) => {
    const def = getAction(p.action);
    for (const issue of parameterIssues(def, p.parameters)) {
      ctx.addIssue({ code: "custom", path: ["parameters", ...issue.path], message: issue.message });
    }
    if (!(def.targetKinds as readonly string[]).includes(p.target.kind)) {
      ctx.addIssue({
        code: "custom",
        path: ["target", "kind"],
        message: `${p.action} acts on ${def.targetKinds.join(", ")}, not ${p.target.kind}`,
      });
    }
  });

/** Nothing is wrong, or nothing is safe to do. */
const noActionProposal = proposalCommon.extend({
  kind: z.literal("no_action"),
  reasons: z.array(z.string().min(1)).min(1),
});

/** A human must look: low confidence, screening flagged the input, a fix that did not work before. */
const escalateProposal = proposalCommon.extend({
  kind: z.literal("escalate"),
  reasons: z.array(z.string().min(1)).min(1),
  /** What the investigator would have done, for the human to consider. */
  suggestedAction: catalogActionName.optional(),
});

/** `vigil.actions.proposed`: what the investigator decided about a diagnosis. */
export const proposalMessage = z.discriminatedUnion("kind", [actionProposal, noActionProposal, escalateProposal]).superRefine((p, ctx) => {
  if (p.source === "llm" && !p.model) ctx.addIssue({ code: "custom", path: ["model"], message: "an llm proposal names its model" });
  if (p.source === "rules" && !p.ruleId) ctx.addIssue({ code: "custom", path: ["ruleId"], message: "a rules proposal names its rule" });
});
export type ProposalMessage = z.infer<typeof proposalMessage>;
export type ActionProposal = Extract<ProposalMessage, { kind: "action" }>;

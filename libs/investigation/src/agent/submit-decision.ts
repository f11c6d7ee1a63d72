// The agent's final answer: the model calls the tool `submit_decision` with the decision as arguments. The
// schema the model sees is one flat object (small local models fill a flat object far more reliably than a
// oneOf per kind); the rules of each kind, the catalog's parameter schemas, the target kinds an action accepts
// and the evidence ids the hypotheses may cite are checked here, so an action outside the catalog or with
// invalid parameters is never proposed.
import {
  actionRisk,
  catalogActionName,
  getAction,
  hypothesis,
  resourceRef,
  validateActionParameters,
  type ActionRisk,
} from "@vigil/contracts";
import { z } from "zod";
import type { Decision } from "../decision.js";

export const SUBMIT_DECISION = "submit_decision";

const confidence = z.number().min(0).max(1);

export const submitDecisionInput = z.object({
  kind: z
    .enum(["action", "no_action", "escalate"])
    .describe("action: one catalog action fixes it; no_action: nothing is wrong or nothing is safe to do; escalate: a human must look"),
  action: catalogActionName
    .optional()
    .describe("kind action: the catalog action to take. kind escalate: the action you would suggest to the human, if any"),
  target: resourceRef.optional().describe("kind action: the object the action acts on; its kind must be one the action targets"),
  parameters: z
    .record(z.string(), z.unknown())
    .optional()
    .describe("kind action: the action's parameters, valid for its parameter schema in the catalog ({} when it takes none)"),
  confidence: confidence.describe("0..1: how strongly the evidence supports this decision (not how much you want it to be right)"),
  risk: actionRisk.optional().describe("kind action: risk in this context; never lower than the catalog's risk for the action"),
  reasoning: z.string().min(1).describe("Why, citing the evidence"),
  hypotheses: z
    .array(hypothesis)
    .default([])
    .describe("Candidate root causes, best first; evidenceRefs are evidence ids from the diagnosis"),
  alternatives: z
    .array(z.object({ action: catalogActionName, whyNot: z.string().min(1) }))
    .default([])
    .describe("kind action: other catalog actions considered, and why not"),
  reasons: z.array(z.string().min(1)).default([]).describe("kind no_action or escalate: the reasons, at least one"),
});
export type SubmittedDecision = z.output<typeof submitDecisionInput>;

/** The decision without what the agent adds itself (source, model, tokens, cost). */
export type DecisionDraft = DistributiveOmit<Decision, "source" | "model" | "ruleId" | "tokens" | "estimatedCostUsd">;
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

export type SubmissionCheck = { ok: true; draft: DecisionDraft } | { ok: false; error: string };

const riskOrder: readonly ActionRisk[] = ["low", "medium", "high"];
const higherRisk = (a: ActionRisk, b: ActionRisk | undefined): ActionRisk =>
  b !== undefined && riskOrder.indexOf(b) > riskOrder.indexOf(a) ? b : a;

/**
 * Validates `submit_decision` arguments (already unmasked) against the contract and the diagnosis' evidence ids.
 * The error, when there is one, names every problem so one retry can fix them all.
 */
export function checkSubmission(args: unknown, evidenceIds: ReadonlySet<string>): SubmissionCheck {
  const parsed = submitDecisionInput.safeParse(args);
  if (!parsed.success) return { ok: false, error: z.prettifyError(parsed.error) };
  const s = parsed.data;
  const problems: string[] = [];
  s.hypotheses.forEach((h, i) => {
    for (const ref of h.evidenceRefs) {
      if (!evidenceIds.has(ref)) problems.push(`hypotheses[${i}].evidenceRefs: "${ref}" is not an evidence id of the diagnosis`);
    }
  });
  const common = { confidence: s.confidence, reasoning: s.reasoning, hypotheses: s.hypotheses };

  if (s.kind !== "action") {
    if (s.reasons.length === 0) problems.push(`reasons: a ${s.kind} decision needs at least one reason`);
    if (problems.length > 0) return { ok: false, error: problems.join("\n") };
    if (s.kind === "no_action") return { ok: true, draft: { kind: "no_action", ...common, reasons: s.reasons } };
    return { ok: true, draft: { kind: "escalate", ...common, reasons: s.reasons, ...(s.action ? { suggestedAction: s.action } : {}) } };
  }

  if (!s.action) problems.push("action: a decision of kind action names a catalog action");
  if (!s.target) problems.push("target: a decision of kind action names the object it acts on");
  if (!s.action || !s.target) return { ok: false, error: problems.join("\n") };
  const def = getAction(s.action);
  const parameters = s.parameters ?? {};
  const validation = validateActionParameters(s.action, parameters);
  if (!validation.ok) problems.push(validation.error);
  if (!(def.targetKinds as readonly string[]).includes(s.target.kind)) {
    problems.push(`target.kind: ${s.action} acts on ${def.targetKinds.join(", ")}, not ${s.target.kind}`);
  }
  if (problems.length > 0) return { ok: false, error: problems.join("\n") };
  return {
    ok: true,
    draft: {
      kind: "action",
      ...common,
      action: s.action,
      target: s.target,
      parameters,
      risk: higherRisk(def.risk, s.risk),
      alternatives: s.alternatives,
    },
  };
}

/** The tool definition the model sees, in OpenAI function format (what bindTools takes for any provider). */
export function submitDecisionTool(): {
  type: "function";
  function: { name: string; description: string; parameters: Record<string, unknown> };
} {
  const { $schema: _dialect, ...parameters } = z.toJSONSchema(submitDecisionInput, { io: "input", unrepresentable: "any" }) as Record<
    string,
    unknown
  >;
  return {
    type: "function",
    function: {
      name: SUBMIT_DECISION,
      description:
        "Submit your final decision; this ends the investigation. Call it exactly once, alone, when the evidence is enough or when more tools would not help.",
      parameters,
    },
  };
}

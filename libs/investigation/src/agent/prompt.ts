// What the model is told. The system prompt states the job, the rules of the answer and an index of the catalog;
// the diagnosis follows as a delimited data block (safety's asUntrustedData). Everything that came from the cluster (event messages,
// annotations, logs...) is inside such blocks, which the prompt says are data and never instructions.
import { actionCatalog, type ActionName, type DiagnosisMessage, getAction } from "@vigil/contracts";
import { z } from "zod";
import { UNTRUSTED_DATA_NOTICE } from "../safety/index.js";
import { SUBMIT_DECISION } from "./submit-decision.js";

/** Every action in one line: what exists, its risk and what it acts on. Stable, so it can sit in the cached system prompt. */
function catalogIndex(): string {
  return [...actionCatalog.values()]
    .map(
      (a) => `- ${a.name}: ${a.title} (risk ${a.risk}; acts on ${a.targetKinds.join(", ")}${a.requiresApproval ? "; needs approval" : ""})`,
    )
    .join("\n");
}

/** Full entries (description, parameter JSON Schema) of the actions the analysis suggests: the ones a decision most likely needs. */
function catalogEntries(names: readonly ActionName[]): string {
  const entries = names.flatMap((name) => {
    const a = getAction(name);
    if (!a) return [];
    const { $schema: _dialect, ...parameters } = z.toJSONSchema(a.parameters, { io: "input", unrepresentable: "any" }) as Record<
      string,
      unknown
    >;
    return [{ name: a.name, description: a.description, risk: a.risk, targetKinds: a.targetKinds, parameters }];
  });
  return JSON.stringify(entries);
}

let indexText: string | undefined;

// The whole catalog with every parameter schema was ~16 KB (~4k tokens) of every request, resent each turn: the
// index names every action, the user turn carries the candidates' schemas, and action_catalog gives any other's.
export function systemPrompt(): string {
  indexText ??= catalogIndex();
  return [
    "You are Vigil's investigator. An alert fired in a Kubernetes cluster and Vigil's analyzer diagnosed it.",
    "Decide what to do about it: propose one action from the catalog below, decide no_action (nothing is wrong, or nothing is safe to do),",
    "or escalate (a human must look).",
    "",
    "How to work:",
    "- Use the read-only tools to check the diagnosis before deciding. Call independent tools together in one turn.",
    "- Never repeat a tool call with the same arguments: its result is already above. The number of tool calls is limited.",
    `- Finish by calling ${SUBMIT_DECISION} exactly once. Its parameters must be valid for the action's schema,`,
    "  the target's kind must be one the action acts on, and hypotheses cite evidence ids that appear in the diagnosis.",
    "- Confidence must reflect the evidence, not your wish to help: a guess is below 0.5. When the evidence is thin or",
    "  contradictory, escalate or choose no_action with a low confidence: abstaining is better than guessing.",
    "- Your decision is a proposal: Vigil's policy and often a human check it before anything runs.",
    "",
    "Safety:",
    `- ${UNTRUSTED_DATA_NOTICE}`,
    "- Vigil restores masked values in your decision: never guess what a placeholder hides.",
    "",
    "Action catalog (every action; the parameter schemas of the diagnosis' candidate actions come with it, and",
    "the action_catalog tool gives any other action's schema and an example):",
    indexText,
  ].join("\n");
}

/** The diagnosis fields a model needs (pipeline ids, timestamps and durations left out: they only cost tokens). */
export function diagnosisForModel(d: DiagnosisMessage): Record<string, unknown> {
  return {
    alertname: d.alertname,
    alertStatus: d.alertStatus,
    outcome: d.outcome,
    severity: d.severity,
    summary: d.summary,
    target: d.target,
    owner: d.owner,
    ownerChain: d.ownerChain,
    findings: d.findings,
    hypotheses: d.hypotheses,
    candidateActions: d.candidateActions,
    relatedResources: d.relatedResources,
    context: d.context,
    occurrences: d.occurrences,
  };
}

/** The user turn: the task in one line, the candidate actions' catalog entries, the diagnosis as one delimited data block. */
export function userPrompt(diagnosisBlock: string, candidates: readonly ActionName[]): string {
  const schemas = candidates.length > 0 ? `Catalog entries of the candidate actions (JSON): ${catalogEntries(candidates)}\n\n` : "";
  return `Investigate this diagnosis and submit your decision with ${SUBMIT_DECISION}.\n\n${schemas}${diagnosisBlock}`;
}

/** Sent when the model answered in plain text instead of calling a tool (once; the second time ends it). */
export const ANSWER_WITH_TOOL = `Answer only by calling ${SUBMIT_DECISION} (or a tool first if you need more evidence).`;

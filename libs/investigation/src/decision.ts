// What a decision path (rules engine, LLM agent) returns: a proposal without the fields the investigator fills
// in when it publishes (pipeline ids derived from the diagnosis, diagnosisId, proposedAt, latencyMs). The
// investigator wraps it with `derive(diagnosis, ...)` and validates the whole against `proposalMessage`.
import type { PipelineBase, ProposalMessage } from "@vigil/contracts";

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

export type Decision = DistributiveOmit<ProposalMessage, keyof PipelineBase | "diagnosisId" | "proposedAt" | "latencyMs">;
export type ActionDecision = Extract<Decision, { kind: "action" }>;
export type EscalateDecision = Extract<Decision, { kind: "escalate" }>;
export type NoActionDecision = Extract<Decision, { kind: "no_action" }>;

/** Tokens spent, for decisions that did not spend any (rules). */
export const NO_TOKENS = Object.freeze({ prompt: 0, completion: 0 });

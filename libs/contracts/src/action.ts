import { z } from "zod";
import { confidence, messageBase, messageId, resourceRef, timestamp } from "./message.js";

export const actionRisk = z.enum(["low", "medium", "high"]);
export type ActionRisk = z.infer<typeof actionRisk>;

/** Action names are registry keys of the executor (snake_case, e.g. `increase_memory_limit`). */
export const actionName = z.string().regex(/^[a-z][a-z0-9_]*$/, "action names are snake_case registry keys");
export const actionParameters = z.record(z.string(), z.unknown());

/** `vigil.actions.proposed`: a remediation the investigator recommends for a diagnosis. */
export const actionProposedMessage = messageBase.extend({
  diagnosisId: messageId,
  action: actionName,
  target: resourceRef,
  parameters: actionParameters.default({}),
  confidence,
  reasoning: z.string(),
  risk: actionRisk,
  source: z.enum(["llm", "rules"]),
  model: z.string().optional(),
  alternatives: z
    .array(z.object({ action: actionName, confidence, reasoning: z.string() }))
    .default([]),
  proposedAt: timestamp,
});
export type ActionProposedMessage = z.infer<typeof actionProposedMessage>;

export const executionStatus = z.enum(["succeeded", "failed", "dry_run", "rejected", "pending_approval", "expired"]);
export type ExecutionStatus = z.infer<typeof executionStatus>;

/** `vigil.actions.executed`: the outcome of a proposal after the safety policy and the Kubernetes API. */
export const actionExecutedMessage = messageBase.extend({
  proposalId: messageId,
  action: actionName,
  target: resourceRef,
  parameters: actionParameters.default({}),
  status: executionStatus,
  dryRun: z.boolean(),
  /** Why it was rejected, failed or needs approval, in words an on-call engineer understands. */
  reason: z.string().optional(),
  error: z.string().optional(),
  stateBefore: z.unknown().optional(),
  stateAfter: z.unknown().optional(),
  approvedBy: z.string().optional(),
  startedAt: timestamp,
  finishedAt: timestamp,
  durationMs: z.number().nonnegative(),
});
export type ActionExecutedMessage = z.infer<typeof actionExecutedMessage>;

/** `vigil.actions.approval.requested`: a risky action waits for a human. */
export const approvalRequestedMessage = messageBase.extend({
  proposalId: messageId,
  action: actionName,
  target: resourceRef,
  parameters: actionParameters.default({}),
  risk: actionRisk,
  reasoning: z.string(),
  requestedAt: timestamp,
  expiresAt: timestamp,
});
export type ApprovalRequestedMessage = z.infer<typeof approvalRequestedMessage>;

// Approval is bound to the exact change: the request carries the server-side dry-run diff, its hash and
// the target's resourceVersion; a decision approves one hash. If the target changed since, the executor
// voids the approval and asks again.
import { createHash } from "node:crypto";
import { z } from "zod";
import { actionRisk, catalogActionName } from "./catalog/index.js";
import { confidence, messageId, resourceRef, timestamp } from "./message.js";
import { pipelineBase } from "./pipeline.js";

/** sha256 (hex) of a dry-run diff: what an approver approves. */
export function diffHash(diff: string): string {
  return createHash("sha256").update(diff, "utf8").digest("hex");
}

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, "must be a sha256 hex digest");

/** `vigil.actions.approval.requested`: a change waits for one or two humans. */
export const approvalRequestedMessage = pipelineBase
  .extend({
    executionId: messageId,
    proposalId: messageId,
    diagnosisId: messageId,
    action: catalogActionName,
    target: resourceRef,
    parameters: z.record(z.string(), z.unknown()),
    risk: actionRisk,
    confidence,
    reasoning: z.string().min(1),
    /** Why approval is needed: the policy rules that required it. */
    reasons: z.array(z.string().min(1)).min(1),
    /** The server-side dry-run diff of the target (unified diff of the changed fields). */
    diff: z.string().min(1),
    diffHash: sha256Hex,
    /** The target's resourceVersion the dry run ran against; a different one voids the approval. */
    resourceVersion: z.string().min(1),
    /** 2 under the two-person rule. */
    approvalsRequired: z.union([z.literal(1), z.literal(2)]),
    requestedAt: timestamp,
    expiresAt: timestamp,
  })
  .superRefine((m, ctx) => {
    if (diffHash(m.diff) !== m.diffHash) ctx.addIssue({ code: "custom", path: ["diffHash"], message: "is not the sha256 of diff" });
    if (Date.parse(m.expiresAt) <= Date.parse(m.requestedAt))
      ctx.addIssue({ code: "custom", path: ["expiresAt"], message: "must be after requestedAt" });
  });
export type ApprovalRequestedMessage = z.infer<typeof approvalRequestedMessage>;

export const approvalDecision = z.enum(["approved", "rejected", "expired"]);
export type ApprovalDecision = z.infer<typeof approvalDecision>;

/**
 * `vigil.actions.approval.decided`: one human's decision (or the expiry) on a request. Under the
 * two-person rule, two distinct `by` approving the same `diffHash` are needed.
 */
export const approvalDecidedMessage = pipelineBase
  .extend({
    /** The `vigil.actions.approval.requested` message this decides (also the causationId). */
    requestId: messageId,
    executionId: messageId,
    decision: approvalDecision,
    /** Who decided; absent only for an expiry. */
    by: z.string().min(1).optional(),
    decidedAt: timestamp,
    comment: z.string().max(2000).optional(),
    /** The diff hash the decision applies to: approving approves exactly that change. */
    diffHash: sha256Hex,
  })
  .superRefine((m, ctx) => {
    if (m.decision !== "expired" && !m.by)
      ctx.addIssue({ code: "custom", path: ["by"], message: `an ${m.decision} decision names who made it` });
    if (m.causationId !== m.requestId)
      ctx.addIssue({ code: "custom", path: ["causationId"], message: "must be the request it decides (requestId)" });
  });
export type ApprovalDecidedMessage = z.infer<typeof approvalDecidedMessage>;

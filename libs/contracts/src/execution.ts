import { z } from "zod";
import { catalogActionName, rbacVerb } from "./catalog/index.js";
import { messageId, resourceRef, timestamp } from "./message.js";
import { pipelineBase } from "./pipeline.js";

export const executionStatus = z.enum([
  /** Applied live and verified. */
  "succeeded",
  /** The API server or a precondition failed it (the reason says which; a 403 names the missing permission). */
  "failed",
  /** Validated by a server-side dry run (`dryRun=All`), nothing applied. */
  "dry_run",
  /** Refused: by the policy, a failed preflight, or a human's rejection. */
  "rejected",
  /** Waiting on `vigil.actions.approval.decided`. */
  "pending_approval",
  /** The approval request expired, or was voided because the target changed. */
  "expired",
  /** Applied, verification failed, and the snapshot was restored. */
  "reverted",
]);
export type ExecutionStatus = z.infer<typeof executionStatus>;

export const policyEffect = z.enum(["allow", "deny", "require_approval"]);

/** One policy rule that matched, and what it said. */
export const policyRuleMatch = z.object({
  /** Stable rule id from the policy file, e.g. `protected-namespaces`, `cooldown`, `preflight.fits-node`. */
  ruleId: z.string().min(1),
  effect: policyEffect,
  /** In words an on-call engineer understands. */
  reason: z.string().min(1),
});
export type PolicyRuleMatch = z.infer<typeof policyRuleMatch>;

export const approvalState = z.enum(["not_required", "pending", "approved", "rejected", "expired"]);
export type ApprovalState = z.infer<typeof approvalState>;

export const approver = z.object({ by: z.string().min(1), at: timestamp, comment: z.string().optional() });

/** What the policy decided about one proposal, and why. */
export const policyDecision = z
  .object({
    decision: z.enum(["allowed", "denied", "requires_approval"]),
    /** Every rule that matched, in evaluation order. */
    matched: z.array(policyRuleMatch),
    approval: z.object({
      state: approvalState,
      /** 2 under the two-person rule. */
      required: z.number().int().min(0).max(2),
      approvers: z.array(approver).default([]),
      /** The `vigil.actions.approval.requested` message, once one was sent. */
      requestId: messageId.optional(),
    }),
    /** Approval skipped because this (action, alertname, namespace class) earned autonomy. */
    autonomyEarned: z.boolean().default(false),
  })
  .superRefine((p, ctx) => {
    if (p.decision === "denied" && !p.matched.some((m) => m.effect === "deny")) {
      ctx.addIssue({ code: "custom", path: ["matched"], message: "a denial names the rule that denied" });
    }
    if (p.approval.state === "approved") {
      const distinct = new Set(p.approval.approvers.map((a) => a.by)).size;
      if (distinct < p.approval.required) {
        ctx.addIssue({
          code: "custom",
          path: ["approval", "approvers"],
          message: `approved needs ${p.approval.required} distinct approvers, has ${distinct}`,
        });
      }
    }
  });
export type PolicyDecision = z.infer<typeof policyDecision>;

/** One call the executor made to the Kubernetes API. */
export const kubernetesOperation = z.object({
  verb: rbacVerb,
  apiGroup: z.string(),
  /** Plural resource, with its subresource: `deployments`, `deployments/scale`, `pods/eviction`. */
  resource: z.string().min(1),
  name: z.string().min(1).optional(),
  namespace: z.string().min(1).optional(),
  patchType: z.enum(["strategic", "merge", "json", "apply"]).optional(),
  dryRun: z.boolean(),
  /** HTTP status of the response. */
  status: z.number().int().min(100).max(599).optional(),
});
export type KubernetesOperation = z.infer<typeof kubernetesOperation>;

/** Allowed statuses per decision: an execution record cannot contradict its own policy decision. */
const statusesOf: Record<PolicyDecision["decision"], readonly ExecutionStatus[]> = {
  allowed: ["succeeded", "failed", "dry_run", "reverted"],
  denied: ["rejected"],
  requires_approval: ["pending_approval", "rejected", "expired"],
};

/** Approval states consistent with a status (absent: any). */
const approvalStateOf: Partial<Record<ExecutionStatus, readonly ApprovalState[]>> = {
  succeeded: ["not_required", "approved"],
  failed: ["not_required", "approved"],
  dry_run: ["not_required", "approved"],
  reverted: ["not_required", "approved"],
  pending_approval: ["pending"],
  expired: ["expired"],
};

/**
 * `vigil.actions.executed`: one status of one execution. An execution that waits for approval publishes
 * `pending_approval`, then its outcome; every record has its own `id` and shares `executionId`.
 */
export const executionMessage = pipelineBase
  .extend({
    /** The action-history row, stable across the status changes of this execution. */
    executionId: messageId,
    proposalId: messageId,
    diagnosisId: messageId,
    action: catalogActionName,
    target: resourceRef,
    parameters: z.record(z.string(), z.unknown()),
    status: executionStatus,
    dryRun: z.boolean(),
    policy: policyDecision,
    /** One line: why it succeeded, was rejected, failed, or waits. */
    reason: z.string().min(1),
    operations: z.array(kubernetesOperation).default([]),
    /** The fields the action changes, before and after (a snapshot, not whole objects). */
    stateBefore: z.record(z.string(), z.unknown()).optional(),
    stateAfter: z.record(z.string(), z.unknown()).optional(),
    error: z
      .object({
        message: z.string().min(1),
        httpStatus: z.number().int().min(100).max(599).optional(),
        /** For a 403: the permission the executor lacks. */
        missingPermission: z.object({ apiGroup: z.string(), resource: z.string().min(1), verb: rbacVerb }).optional(),
      })
      .optional(),
    startedAt: timestamp,
    finishedAt: timestamp,
    durationMs: z.number().nonnegative(),
  })
  .superRefine((m, ctx) => {
    if (!statusesOf[m.policy.decision].includes(m.status)) {
      ctx.addIssue({ code: "custom", path: ["status"], message: `${m.status} contradicts a policy decision of ${m.policy.decision}` });
    }
    if (m.status === "failed" && !m.error)
      ctx.addIssue({ code: "custom", path: ["error"], message: "a failed execution says why in error" });
    if (m.error && ["succeeded", "dry_run", "pending_approval"].includes(m.status)) {
      ctx.addIssue({ code: "custom", path: ["error"], message: `a ${m.status} execution has no error` });
    }
    const approval = approvalStateOf[m.status];
    if (approval && !approval.includes(m.policy.approval.state)) {
      ctx.addIssue({
        code: "custom",
        path: ["policy", "approval", "state"],
        message: `a ${m.status} execution cannot have approval ${m.policy.approval.state}`,
      });
    }
    if (m.status === "dry_run" && !m.dryRun)
      ctx.addIssue({ code: "custom", path: ["dryRun"], message: "a dry_run status needs dryRun: true" });
    if (Date.parse(m.finishedAt) < Date.parse(m.startedAt))
      ctx.addIssue({ code: "custom", path: ["finishedAt"], message: "must not be before startedAt" });
  });
export type ExecutionMessage = z.infer<typeof executionMessage>;

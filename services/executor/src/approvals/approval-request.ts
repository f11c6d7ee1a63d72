// An approval request is bound to the exact change: it carries the server-side dry-run diff, its hash and the target's
// resourceVersion the dry run ran against. It is published on `vigil.actions.approval.requested`, sent to the
// notification sinks, recorded as `pending_approval`, and its expiry is scheduled as durable delayed work.
import type { ActionRecord, ApprovalRecord } from "@vigil/action-history";
import type { Bus, DelayedQueue } from "@vigil/bus";
import { approvalRequestedMessage, deterministicId, derive, diffHash, resourceKey, topics } from "@vigil/contracts";
import type { ActionProposal, Notifier } from "@vigil/remediation";
import type { Logger } from "pino";
import type { Deliberation } from "../pipeline/deliberation.js";
import type { Recorder } from "../pipeline/recorder.js";
import type { approvalExpiryTask } from "../pipeline/revert-task.js";

export interface ApprovalRequestDeps {
  bus: Bus;
  recorder: Recorder;
  notifier: Notifier;
  expiries: DelayedQueue<typeof approvalExpiryTask>;
  /** How long a request waits for a human (the policy's approval.expiry). */
  expiryMs: number;
  /** EXECUTOR_PUBLIC_URL, for the links in notifications. */
  publicUrl?: string;
}

type Ready = Extract<Deliberation, { kind: "ready" }>;

export async function requestApproval(
  deps: ApprovalRequestDeps,
  record: ActionRecord,
  proposal: ActionProposal,
  d: Ready,
  details: Record<string, unknown>,
  log: Logger,
  expect: ActionRecord["status"],
  voided?: ApprovalRecord["voided"],
): Promise<ApprovalRecord | undefined> {
  const hash = diffHash(d.diff);
  const requestId = deterministicId("apr", record.executionId, hash);
  // Humans decide on the wall clock, whatever the cluster's clock says.
  const requestedAt = new Date();
  const expiresAt = new Date(requestedAt.getTime() + deps.expiryMs);
  const required = d.approvalsRequired === 2 ? 2 : 1;
  const approval: ApprovalRecord = {
    requestId,
    diff: d.diff,
    diffHash: hash,
    resourceVersion: d.plan.subject?.resourceVersion ?? "none",
    requestedAt: requestedAt.toISOString(),
    expiresAt: expiresAt.toISOString(),
    required,
    approvers: [],
    ...(voided?.length ? { voided } : {}),
  };
  const reasons = d.decision.matched.filter((m) => m.effect === "require_approval").map((m) => m.reason);
  const message = approvalRequestedMessage.parse({
    ...derive(proposal, { id: requestId }),
    executionId: record.executionId,
    proposalId: proposal.id,
    diagnosisId: proposal.diagnosisId,
    action: proposal.action,
    target: proposal.target,
    parameters: proposal.parameters,
    risk: proposal.risk,
    confidence: proposal.confidence,
    reasoning: proposal.reasoning,
    reasons: reasons.length ? reasons : ["the policy requires approval"],
    diff: approval.diff,
    diffHash: approval.diffHash,
    resourceVersion: approval.resourceVersion,
    approvalsRequired: required,
    requestedAt: approval.requestedAt,
    expiresAt: approval.expiresAt,
  });
  const policy = { ...d.decision, approval: { ...d.decision.approval, state: "pending" as const, required, approvers: [], requestId } };
  const updated = await deps.recorder.record(
    record,
    {
      status: "pending_approval",
      reason: `waiting for ${required === 2 ? "two approvals" : "approval"} until ${approval.expiresAt}: ${reasons.join("; ") || "the policy requires approval"}`,
      policy,
      stateBefore: d.plan.before,
      details,
      approval,
      operations: d.ops.operations,
    },
    log,
    expect,
  );
  if (!updated) return undefined;
  await deps.bus.publish(topics.approvalRequested, message);
  await deps.expiries.schedule(
    { executionId: record.executionId, requestId },
    { dueAt: expiresAt, id: `expiry-${requestId}`, correlationId: record.correlationId },
  );
  if (deps.notifier.sinks.length > 0) {
    const link = deps.publicUrl ? `${deps.publicUrl.replace(/\/$/, "")}/api/v1/actions/${record.executionId}` : undefined;
    const deliveries = await deps.notifier.send({
      kind: "approval_requested",
      title: `Approval needed: ${proposal.action} on ${resourceKey(proposal.target)}`,
      text: `${proposal.reasoning}\n\n${approval.diff}\nApprove with: vigil approve ${record.executionId} (diff ${hash.slice(0, 12)}…)`,
      urgency: proposal.risk === "high" ? "high" : "low",
      incidentId: record.incidentId,
      correlationId: record.correlationId,
      executionId: record.executionId,
      alertname: record.alert.alertname,
      target: proposal.target,
      fields: {
        action: proposal.action,
        confidence: proposal.confidence.toFixed(2),
        expires: approval.expiresAt,
        diffHash: hash,
        ...(link ? { link } : {}),
      },
    });
    log.info({ requestId, delivered: deliveries.filter((x) => x.delivered).length }, "approval requested");
  } else {
    log.info({ requestId }, "approval requested (no notification sinks configured)");
  }
  return approval;
}

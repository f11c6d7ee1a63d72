// Deciding a pending approval, from REST or from a `vigil.actions.approval.decided` message: the decision names the
// diff hash it approves, and approving approves exactly that change. Before applying, the change is planned and
// dry-run again: if the target's resourceVersion or the diff differ from what was approved, the approval is void and
// a new request (new dry run, new diff) replaces it. Under the two-person rule two distinct people must approve.
// Every decision is recorded in the row (and its audit chain) and published.
import type { ActionHistory, ActionRecord } from "@vigil/action-history";
import type { Bus, Leases } from "@vigil/bus";
import {
  approvalDecidedMessage,
  type ApprovalDecision,
  deterministicId,
  derive,
  diffHash,
  kvBuckets,
  resourceKey,
  topics,
} from "@vigil/contracts";
import { ConflictError, NotFoundError } from "@vigil/errors";
import type { Logger } from "pino";
import type { Conclusion } from "../pipeline/conclusion.js";
import { deliberate, type DeliberationDeps } from "../pipeline/deliberation.js";
import type { Recorder } from "../pipeline/recorder.js";
import { type ApprovalRequestDeps, requestApproval } from "./approval-request.js";
import { proposalOf } from "./proposal-of.js";

export interface ApprovalDeskDeps {
  bus: Bus;
  history: ActionHistory;
  recorder: Recorder;
  leases: Leases;
  leaseTtlMs: number;
  deliberation: DeliberationDeps;
  conclusion: Conclusion;
  requests: ApprovalRequestDeps;
}

export interface DecisionInput {
  decision: Exclude<ApprovalDecision, "expired">;
  by: string;
  diffHash: string;
  comment?: string;
}

export type DecisionResult =
  | { state: "rejected" | "decided"; execution: ActionRecord }
  | { state: "waiting"; approvals: number; required: number; execution: ActionRecord }
  | { state: "voided"; reason: string; newRequestId: string; diffHash: string; execution: ActionRecord };

type PendingRecord = ActionRecord & { approval: NonNullable<ActionRecord["approval"]> };

const pending = (record: ActionRecord | undefined, executionId: string): PendingRecord => {
  if (!record) throw new NotFoundError(`no execution ${executionId}`);
  if (record.status !== "pending_approval" || !record.approval)
    throw new ConflictError(`execution ${executionId} is ${record.status}: nothing waits for approval`);
  return record as PendingRecord;
};

export class ApprovalDesk {
  constructor(private readonly deps: ApprovalDeskDeps) {}

  async decide(executionId: string, input: DecisionInput, log: Logger, signal: AbortSignal): Promise<DecisionResult> {
    const record = pending(await this.deps.history.get(executionId), executionId);
    const approval = record.approval;
    if (input.diffHash !== approval.diffHash) {
      throw new ConflictError(
        `this decision is about diff ${input.diffHash.slice(0, 12)}…, but the pending change is diff ${approval.diffHash.slice(0, 12)}… (requested ${approval.requestedAt}): review the current diff`,
      );
    }
    const at = new Date().toISOString();
    const approvers = approval.approvers.some((a) => a.by === input.by)
      ? approval.approvers
      : [...approval.approvers, { by: input.by, at, ...(input.comment ? { comment: input.comment } : {}) }];
    const policy = { ...record.policy!, approval: { ...record.policy!.approval, approvers } };
    if (input.decision === "rejected") {
      const updated = await this.deps.recorder.record(
        record,
        {
          status: "rejected",
          reason: `rejected by ${input.by}${input.comment ? `: ${input.comment}` : ""}`,
          policy: { ...policy, approval: { ...policy.approval, state: "rejected" } },
          approval: { ...approval, approvers },
        },
        log,
        "pending_approval",
      );
      if (!updated) throw new ConflictError(`execution ${executionId} was decided meanwhile`);
      await this.publishDecision(record, input, "rejected");
      return { state: "rejected", execution: updated };
    }
    if (approvers.length < approval.required) {
      const updated = await this.deps.history.update(
        executionId,
        { approval: { ...approval, approvers }, policy },
        { expectStatus: "pending_approval" },
      );
      if (!updated) throw new ConflictError(`execution ${executionId} was decided meanwhile`);
      await this.publishDecision(record, input, "approved");
      return { state: "waiting", approvals: approvers.length, required: approval.required, execution: updated };
    }
    return this.execute(record, approvers, input, log, signal);
  }

  /** The approval request's expiry came: still pending with that request → expired. */
  async expire(executionId: string, requestId: string, log: Logger): Promise<void> {
    const record = await this.deps.history.get(executionId);
    if (!record || record.status !== "pending_approval" || record.approval?.requestId !== requestId) return;
    const policy = { ...record.policy!, approval: { ...record.policy!.approval, state: "expired" as const } };
    const updated = await this.deps.recorder.record(
      record,
      { status: "expired", reason: `nobody decided on the approval request before ${record.approval.expiresAt}`, policy },
      log,
      "pending_approval",
    );
    if (updated) await this.publishDecision(record as PendingRecord, { by: undefined, diffHash: record.approval.diffHash }, "expired");
  }

  private async execute(
    record: PendingRecord,
    approvers: NonNullable<ActionRecord["approval"]>["approvers"],
    input: DecisionInput,
    log: Logger,
    signal: AbortSignal,
  ): Promise<DecisionResult> {
    const lease = await this.deps.leases.acquire(kvBuckets.leases.key("executor", resourceKey(record.target)), {
      ttlMs: this.deps.leaseTtlMs,
      autoRenew: true,
      purpose: `approved ${record.action} (execution ${record.executionId})`,
    });
    if (!lease.acquired)
      throw new ConflictError(`${resourceKey(record.target)} is being changed by ${lease.heldBy.owner}: decide again in a moment`);
    try {
      const proposal = proposalOf(record);
      const d = await deliberate(this.deps.deliberation, record, proposal, log, signal);
      const approval = record.approval;
      if (d.kind === "ready" && d.decision.decision === "requires_approval") {
        const resourceVersion = d.plan.subject?.resourceVersion ?? "none";
        if (resourceVersion !== approval.resourceVersion || diffHash(d.diff) !== approval.diffHash) {
          const reason = `the target changed since the dry run that was approved (resourceVersion ${approval.resourceVersion} → ${resourceVersion}): the approval is void and a new dry run awaits approval`;
          const voided = [
            ...(approval.voided ?? []),
            { requestId: approval.requestId, diffHash: approval.diffHash, at: new Date().toISOString(), reason },
          ];
          const details = { summary: d.plan.summary, diff: d.diff, expectedAfter: d.dryRun.after };
          const renewed = await requestApproval(this.deps.requests, record, proposal, d, details, log, "pending_approval", voided);
          await this.publishDecision(record, input, "approved");
          const execution = (await this.deps.history.get(record.executionId))!;
          if (!renewed) throw new ConflictError(`execution ${record.executionId} was decided meanwhile`);
          log.warn({ executionId: record.executionId, newRequestId: renewed.requestId }, "approval voided: the target changed");
          return { state: "voided", reason, newRequestId: renewed.requestId, diffHash: renewed.diffHash, execution };
        }
        const approved = {
          ...d,
          decision: {
            ...d.decision,
            decision: "allowed" as const,
            approval: {
              ...d.decision.approval,
              state: "approved" as const,
              required: approval.required,
              approvers,
              requestId: approval.requestId,
            },
          },
        };
        await this.deps.conclusion.conclude(record, proposal, approved, log, signal, "pending_approval");
      } else {
        // The policy now says otherwise (paused, cooldown, no longer needs approval): that decision stands.
        await this.deps.conclusion.conclude(record, proposal, d, log, signal, "pending_approval");
      }
      await this.publishDecision(record, input, "approved");
      return { state: "decided", execution: (await this.deps.history.get(record.executionId))! };
    } finally {
      await lease.lease.release().catch(() => undefined);
    }
  }

  private async publishDecision(
    record: PendingRecord,
    input: { by?: string | undefined; diffHash: string; comment?: string },
    decision: ApprovalDecision,
  ): Promise<void> {
    const requestId = record.approval.requestId;
    const parent = {
      id: requestId,
      correlationId: record.correlationId,
      incidentId: record.incidentId,
      alertname: record.alert.alertname,
      fingerprint: record.alert.fingerprint,
      owner: record.owner,
    };
    const message = approvalDecidedMessage.parse({
      ...derive(parent, { id: deterministicId("apd", requestId, decision, input.by ?? "expiry") }),
      requestId,
      executionId: record.executionId,
      decision,
      ...(input.by ? { by: input.by } : {}),
      decidedAt: new Date().toISOString(),
      ...(input.comment ? { comment: input.comment } : {}),
      diffHash: input.diffHash,
    });
    await this.deps.bus.publish(topics.approvalDecided, message);
  }
}

// What follows a deliberation: a denial is recorded as `rejected` (and escalated to humans when a check asked for it:
// an oscillation block, a GitOps-owned field), an API refusal as `failed`, a change needing approval becomes an
// approval request bound to its dry-run diff, a dry-run mode change is recorded as `dry_run` with its diff, and a
// live change is applied. Also the recovery of an execution a crash left `executing`.
import type { ActionRecord } from "@vigil/action-history";
import { resourceKey } from "@vigil/contracts";
import { type ActionEnvironment, type ActionProposal, implementationOf, OperationLog } from "@vigil/remediation";
import type { Logger } from "pino";
import { type ApprovalRequestDeps, requestApproval } from "../approvals/approval-request.js";
import { actionContext } from "./action-context.js";
import type { Deliberation } from "./deliberation.js";
import { applyLive, type LiveChangeDeps } from "./live-change.js";
import type { Recorder } from "./recorder.js";

export interface ConclusionDeps {
  recorder: Recorder;
  live: LiveChangeDeps;
  approvals: ApprovalRequestDeps;
  env: ActionEnvironment;
}

export class Conclusion {
  constructor(private readonly deps: ConclusionDeps) {}

  async conclude(
    record: ActionRecord,
    proposal: ActionProposal,
    d: Deliberation,
    log: Logger,
    signal: AbortSignal,
    expect: ActionRecord["status"],
  ): Promise<void> {
    const { recorder } = this.deps;
    const escalated = d.escalations.length ? { escalations: await this.escalate(record, d.escalations, log) } : {};
    const operations = d.ops.operations;
    if (d.kind === "denied") {
      await recorder.record(
        record,
        {
          status: "rejected",
          reason: d.reason,
          policy: d.decision,
          ...(d.error ? { error: d.error } : {}),
          details: escalated,
          operations,
        },
        log,
        expect,
      );
      return;
    }
    if (d.kind === "failed") {
      // A change that needed approval never reached a human: it is rejected, with the API server's answer as the reason.
      const status = d.decision.decision === "allowed" ? "failed" : "rejected";
      const policy =
        status === "rejected"
          ? {
              ...d.decision,
              decision: "denied" as const,
              matched: [...d.decision.matched, { ruleId: "api-server", effect: "deny" as const, reason: d.reason }],
            }
          : d.decision;
      await recorder.record(record, { status, reason: d.reason, policy, error: d.error, details: escalated, operations }, log, expect);
      return;
    }
    const details = {
      ...escalated,
      summary: d.plan.summary,
      diff: d.diff,
      expectedAfter: d.dryRun.after,
      ...(d.dryRun.details ? { dryRunDetails: d.dryRun.details } : {}),
    };
    if (d.decision.decision === "requires_approval") {
      await requestApproval(this.deps.approvals, record, proposal, d, details, log, expect);
      return;
    }
    if (d.mode === "dry-run") {
      await recorder.record(
        record,
        {
          status: "dry_run",
          reason: `dry run: ${d.plan.summary}`,
          policy: d.decision,
          dryRun: true,
          stateBefore: d.plan.before,
          stateAfter: d.dryRun.after,
          details,
          operations,
        },
        log,
        expect,
      );
      return;
    }
    await applyLive(this.deps.live, record, d.plan, d.decision, log, signal, expect, { details, operations });
  }

  /**
   * A crash left the row `executing`: the change may or may not have been written. It is never written again (at most
   * once); the target is read to tell which: if it shows the change the dry run predicted, the execution succeeded.
   */
  async reconcile(record: ActionRecord, proposal: ActionProposal, log: Logger, signal: AbortSignal): Promise<void> {
    const expected = (record.details.expectedAfter ?? {}) as Record<string, unknown>;
    const ops = new OperationLog();
    let observed: Record<string, unknown> | undefined;
    let why = "";
    try {
      const plan = await implementationOf(proposal.action).plan(
        actionContext(this.deps.live.client, this.deps.env, record, proposal, ops, log, signal),
      );
      observed = plan.before;
    } catch (err) {
      why = err instanceof Error ? err.message : String(err);
    }
    const keys = Object.keys(expected);
    const applied =
      observed !== undefined && keys.length > 0 && keys.every((k) => JSON.stringify(observed[k]) === JSON.stringify(expected[k]));
    const policy = record.policy!;
    const target = resourceKey(record.target);
    if (applied) {
      await this.deps.recorder.record(
        record,
        {
          status: "succeeded",
          reason: `the executor stopped after applying this change; on recovery ${target} shows it`,
          policy,
          dryRun: false,
          stateAfter: observed,
          operations: ops.operations,
        },
        log,
        "executing",
      );
    } else {
      const message = `interrupted: the executor stopped while applying this change, and it is not applied again (at most once); check ${target}${why ? ` (${why})` : ""}`;
      await this.deps.recorder.record(
        record,
        {
          status: "failed",
          reason: message,
          policy,
          dryRun: false,
          error: { message },
          ...(observed ? { stateAfter: observed } : {}),
          operations: ops.operations,
        },
        log,
        "executing",
      );
    }
  }

  /** Pages humans for the checks that asked (best effort: the deliveries are recorded either way). */
  private async escalate(record: ActionRecord, escalations: Deliberation["escalations"], log: Logger): Promise<unknown[]> {
    const notifier = this.deps.env.notifier;
    if (notifier.sinks.length === 0) return escalations.map((e) => ({ ...e, delivered: false, why: "no notification sinks configured" }));
    const out: unknown[] = [];
    for (const e of escalations) {
      const deliveries = await notifier.send({
        kind: "escalate",
        title: `Escalation: ${record.action} on ${resourceKey(record.target)} was blocked`,
        text: `${e.reason}${e.suggestedChange ? `\nSuggested change: ${e.suggestedChange}` : ""}\nReasoning: ${record.proposal.reasoning}`,
        urgency: "high",
        incidentId: record.incidentId,
        correlationId: record.correlationId,
        executionId: record.executionId,
        alertname: record.alert.alertname,
        target: record.target,
      });
      log.warn({ reason: e.reason, delivered: deliveries.filter((x) => x.delivered).length }, "escalated to humans");
      out.push({ ...e, deliveries });
    }
    return out;
  }
}

// `vigil.actions.proposed` (durable `executor`) → one execution per proposal, exactly once.
//
// Idempotency is the row: its key is the proposal id, claimed in PostgreSQL before anything else. A redelivery finds
// the row: a decided one is republished as is; one left `received` (a crash before deciding) is decided now; one
// left `executing` (a crash during the live write) is reconciled, never written again. A per-target lease in KV
// keeps two replicas off one target at once; the other replica's delivery is handed back and retried. While
// PostgreSQL is down the handler waits for it (heartbeating the message), then hands the proposal back: the
// proposal waits in the stream, and none is lost.
import type { ActionHistory, NewExecution } from "@vigil/action-history";
import type { HandlerContext, Leases } from "@vigil/bus";
import { deterministicId, kvBuckets, type ProposalMessage, resourceKey } from "@vigil/contracts";
import { RetryableError } from "@vigil/errors";
import { type ActionProposal, implementationOf, modeFor } from "@vigil/remediation";
import type { ContextMemory } from "../context-memory.js";
import type { ExecutorMetrics } from "../metrics.js";
import type { Conclusion } from "./conclusion.js";
import { deliberate, type DeliberationDeps } from "./deliberation.js";
import { failpoint } from "./failpoint.js";
import type { Recorder } from "./recorder.js";

export const PROPOSALS_DURABLE = "executor";

export interface ProposalHandlerDeps {
  history: ActionHistory;
  recorder: Recorder;
  leases: Leases;
  deliberation: DeliberationDeps;
  conclusion: Conclusion;
  context: ContextMemory;
  metrics: ExecutorMetrics;
  leaseTtlMs: number;
  /** Resolves once PostgreSQL answers; rejects (RetryableError) when it did not within the wait. */
  waitForDatabase(hctx: HandlerContext): Promise<void>;
  /** Cluster time (ms). */
  now(): number;
}

export const executionIdFor = (proposalId: string): string => deterministicId("exec", proposalId);

/** An escalate proposal is executed as the catalog's `escalate` action: humans get paged through the sinks. */
export function asActionProposal(p: ProposalMessage): ActionProposal | undefined {
  if (p.kind === "action") return p;
  if (p.kind === "no_action") return undefined;
  const { reasons, suggestedAction, kind: _kind, ...common } = p;
  const reason = [...reasons, ...(suggestedAction ? [`suggested action: ${suggestedAction}`] : [])].join("; ").slice(0, 2000);
  return {
    ...common,
    kind: "action",
    action: "escalate",
    target: p.owner,
    parameters: { reason, urgency: "high" },
    risk: "low",
    alternatives: [],
  };
}

export class ProposalHandler {
  constructor(private readonly deps: ProposalHandlerDeps) {}

  async handle(message: ProposalMessage, hctx: HandlerContext): Promise<void> {
    const { metrics } = this.deps;
    const proposal = asActionProposal(message);
    const log = hctx.log.child({ incidentId: message.incidentId, correlationId: message.correlationId, proposalId: message.id });
    if (!proposal) {
      metrics.noAction.inc();
      log.info({ reasons: message.kind === "no_action" ? message.reasons : [] }, "no_action proposal: nothing to execute");
      return;
    }
    await this.deps.waitForDatabase(hctx);
    const input = this.newExecution(proposal);
    const existing = await this.deps.history.byIdempotencyKey(input.idempotencyKey);
    const rlog = log.child({ executionId: input.executionId, action: input.action, target: resourceKey(input.target) });
    if (existing && existing.status !== "received") {
      if (existing.status === "executing") await this.deps.conclusion.reconcile(existing, proposal, rlog, hctx.signal);
      else await this.deps.recorder.republish(existing);
      rlog.info({ status: existing.status }, "proposal redelivered: already handled");
      return;
    }
    const lease = await this.deps.leases.acquire(kvBuckets.leases.key("executor", resourceKey(input.target)), {
      ttlMs: this.deps.leaseTtlMs,
      autoRenew: true,
      purpose: `${input.action} (execution ${input.executionId})`,
    });
    if (!lease.acquired) {
      metrics.leaseBusy.inc();
      throw new RetryableError(`target ${resourceKey(input.target)} is being changed by ${lease.heldBy.owner}; retrying after it`, {
        retryAfterMs: 2_000,
      });
    }
    try {
      // A row left `received` (written by an earlier version, or a crash before deciding) is decided now; a new one
      // is drafted in memory and written once, in the state the decision leaves it.
      const current = existing ?? this.deps.recorder.draft(input);
      const deliberation = await deliberate(this.deps.deliberation, current, proposal, rlog, hctx.signal);
      await this.deps.conclusion.conclude(current, proposal, deliberation, rlog, hctx.signal, "received");
    } finally {
      await lease.lease.release().catch((err: unknown) => rlog.warn({ err }, "releasing the target lease failed; it expires on its own"));
    }
    failpoint("before-ack");
  }

  private newExecution(p: ActionProposal): NewExecution {
    const { context, deliberation } = this.deps;
    const mode = modeFor(deliberation.policy, p.action, deliberation.mode);
    implementationOf(p.action); // an action without an implementation is a bug: fail loudly before claiming
    return {
      executionId: executionIdFor(p.id),
      idempotencyKey: p.id,
      proposalId: p.id,
      diagnosisId: p.diagnosisId,
      incidentId: p.incidentId,
      correlationId: p.correlationId,
      alert: { alertname: p.alertname, fingerprint: p.fingerprint, labels: context.alertLabels(p.fingerprint) },
      diagnosisSummary: context.diagnosisSummary(p.incidentId, p.diagnosisId),
      proposal: {
        source: p.source,
        ...(p.model ? { model: p.model } : {}),
        ...(p.ruleId ? { ruleId: p.ruleId } : {}),
        confidence: p.confidence,
        reasoning: p.reasoning,
        risk: p.risk,
      },
      action: p.action,
      target: p.target,
      owner: p.owner,
      parameters: p.parameters,
      dryRun: mode === "dry-run",
      receivedAt: new Date(this.deps.now()).toISOString(),
    };
  }
}

// The executor's durable consumers (docs/architecture.md): proposals (`executor`), approval decisions sent over NATS
// (`executor_approvals`), and its delayed work on VIGIL_DELAYED: approval expiries and scheduled reverts.
import { type Bus, PermanentError } from "@vigil/bus";
import { topics } from "@vigil/contracts";
import { ConflictError, NotFoundError } from "@vigil/errors";
import type { Logger } from "pino";
import type { ApprovalDesk } from "../approvals/approval-desk.js";
import type { ExecutorMetrics } from "../metrics.js";
import { PROPOSALS_DURABLE, type ProposalHandler } from "./proposal-handler.js";
import { approvalExpiryTask, revertTask } from "./revert-task.js";
import type { ScheduledReverts } from "./scheduled-revert.js";

export const APPROVALS_DURABLE = "executor_approvals";

export interface ConsumersDeps {
  bus: Bus;
  log: Logger;
  metrics: ExecutorMetrics;
  proposals: ProposalHandler;
  desk: ApprovalDesk;
  reverts: ScheduledReverts;
  concurrency: number;
  /** EXECUTOR_DB_WAIT: a handler may wait this long for PostgreSQL before handing its message back. */
  dbWaitMs: number;
  /** EXECUTOR_ACK_WAIT: how soon a crashed replica's proposal is redelivered. */
  ackWaitMs: number;
}

/** A live change must finish or fail, never be abandoned midway: handlers get a long deadline (a drain waits up to an hour). */
const HANDLER_TIMEOUT_MS = 70 * 60_000;

export async function startConsumers(deps: ConsumersDeps): Promise<void> {
  const { bus, metrics } = deps;
  await bus.consume({
    topic: topics.actionsProposed,
    durable: PROPOSALS_DURABLE,
    concurrency: deps.concurrency,
    pullBatch: deps.concurrency,
    handlerTimeoutMs: HANDLER_TIMEOUT_MS + deps.dbWaitMs,
    // PostgreSQL or the target's lease being unavailable is not the proposal's fault: keep retrying for hours
    // (back-off capped at a minute) rather than dead-lettering. A bad proposal is dead-lettered at once regardless.
    maxDeliver: 500,
    retryMaxMs: 60_000,
    // A replica that dies mid-proposal hands it on within this (a live handler heartbeats, so it never expires).
    ackWaitMs: deps.ackWaitMs,
    handler: (proposal, ctx) => deps.proposals.handle(proposal, ctx),
  });

  await bus.consume({
    topic: topics.approvalDecided,
    durable: APPROVALS_DURABLE,
    concurrency: 2,
    handlerTimeoutMs: HANDLER_TIMEOUT_MS,
    handler: async (m, ctx) => {
      if (m.decision === "expired" || !m.by) return; // the executor's own expiry record
      metrics.approvals.inc({ decision: m.decision, via: "nats" });
      try {
        await deps.desk.decide(
          m.executionId,
          { decision: m.decision, by: m.by, diffHash: m.diffHash, ...(m.comment ? { comment: m.comment } : {}) },
          ctx.log,
          ctx.signal,
        );
      } catch (err) {
        // Already decided (the REST call that published this message), voided, or unknown: nothing left to do.
        if (err instanceof ConflictError || err instanceof NotFoundError) {
          ctx.log.info({ executionId: m.executionId, err: err.message }, "approval decision not applied");
          return;
        }
        throw err;
      }
    },
  });

  await bus.delayed(approvalExpiryTask).consume({
    durable: "executor_approval_expiry",
    handler: async (task, ctx) => {
      metrics.approvals.inc({ decision: "expired", via: "expiry" });
      await deps.desk.expire(task.executionId, task.requestId, ctx.log);
    },
  });

  await bus.delayed(revertTask).consume({
    durable: "executor_reverts",
    handler: async (task, ctx) => {
      const outcome = await deps.reverts.revert(task.executionId, ctx.log, ctx.signal);
      if (outcome === "unknown") throw new PermanentError(`no execution ${task.executionId} to revert`);
    },
  });
}

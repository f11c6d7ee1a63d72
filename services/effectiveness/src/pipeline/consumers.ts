// Two consumers:
// - `effectiveness` on `vigil.actions.executed`: a live success schedules its assessment (durable delayed work,
//   due on the cluster clock when the stabilization window ends), with the target as it is right after the
//   change as the baseline; dry runs, rejections, expiries, failures and reverts get their immediate outcome;
//   `pending_approval` waits for the outcome that follows it.
// - `effectiveness_assess` on the delayed tasks: assess when due, then conclude (record, publish, feed back).
// Both are idempotent: the task id and the assessment id are derived from the execution.
import { assess, type AssessmentSources, type AssessmentTiming, dispositionOf, snapshotOf, stabilizationFor } from "@vigil/assessment";
import type { Bus } from "@vigil/bus";
import { topics } from "@vigil/contracts";
import type { Logger } from "pino";
import type { EffectivenessMetrics } from "../metrics.js";
import { assessTask, assessTaskId } from "./assess-task.js";
import { immediateJudgement, judgementOf } from "./assessment-message.js";
import type { Outcomes } from "./outcomes.js";
import { subjectOf } from "./subject-of.js";

export const EXECUTIONS_DURABLE = "effectiveness";
export const ASSESS_DURABLE = "effectiveness_assess";

export interface ConsumersDeps {
  bus: Bus;
  sources: AssessmentSources;
  outcomes: Outcomes;
  timing: AssessmentTiming;
  metrics: EffectivenessMetrics;
  /** The cluster's clock (epoch ms). */
  now: () => number;
  concurrency: number;
  /** Longest sleep of a waiting task before it looks at the clock again. */
  recheckMs: number;
  log: Logger;
}

export async function startConsumers(deps: ConsumersDeps): Promise<void> {
  const { bus, sources, outcomes, timing, metrics, now } = deps;
  const queue = bus.delayed(assessTask);

  await bus.consume({
    topic: topics.actionsExecuted,
    durable: EXECUTIONS_DURABLE,
    concurrency: deps.concurrency,
    handler: async (execution, ctx) => {
      const log = ctx.log.child({
        incidentId: execution.incidentId,
        correlationId: execution.correlationId,
        executionId: execution.executionId,
      });
      const d = dispositionOf(execution);
      if (d.kind === "ignore") return log.debug({ status: execution.status }, d.why);
      if (d.kind === "immediate") {
        await outcomes.conclude(
          { execution, judgement: immediateJudgement(d.method, d.notes), failure: d.failure, aggregate: d.aggregate },
          log,
        );
        return;
      }
      const subject = subjectOf(execution);
      const dueAt = subject.actionAt + stabilizationFor(timing, execution.action);
      const baseline = snapshotOf(sources, subject, now());
      const task = await queue.schedule(
        { execution, baseline, dueAt: new Date(dueAt).toISOString() },
        { dueAt, id: assessTaskId(execution.executionId), correlationId: execution.correlationId },
      );
      if (!task.duplicate) metrics.scheduled.inc({ action: execution.action });
      log.info({ action: execution.action, dueAt: task.dueAt.toISOString(), duplicate: task.duplicate }, "assessment scheduled");
    },
  });

  await queue.consume({
    durable: ASSESS_DURABLE,
    concurrency: deps.concurrency,
    now,
    maxDeferMs: deps.recheckMs,
    // PostgreSQL or NATS down for a while must not cost an assessment: retries back off up to 5 minutes, ~1.5 h in all.
    maxAttempts: 20,
    retryBaseMs: 2_000,
    retryMaxMs: 300_000,
    handler: async ({ execution, baseline, dueAt }, ctx) => {
      const log = ctx.log.child({
        incidentId: execution.incidentId,
        correlationId: execution.correlationId,
        executionId: execution.executionId,
      });
      const end = metrics.assessSeconds.startTimer();
      const at = now();
      const result = await assess(sources, { subject: subjectOf(execution), baseline, now: at, timing });
      await outcomes.conclude(
        {
          execution,
          judgement: judgementOf(result),
          failure: false,
          aggregate: true,
          observed: { baseline, ...(result.current ? { current: result.current } : {}) },
        },
        log,
      );
      if (ctx.attempt === 1) metrics.lateness.observe(Math.max(0, at - Date.parse(dueAt)) / 1000);
      end();
    },
  });
}

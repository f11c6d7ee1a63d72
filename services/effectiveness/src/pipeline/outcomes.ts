// The end of every assessment, scored or immediate: written to the execution's action-history row, published on
// `vigil.effectiveness.assessed`, fed back into the aggregates and the autonomy ledger. A row that already holds
// an assessment wins over a new judgement, so a redelivery (after a crash between any two steps) publishes the
// very same message and feeds back nothing twice.
import type { ActionHistory } from "@vigil/action-history";
import type { TargetSnapshot } from "@vigil/assessment";
import type { Bus } from "@vigil/bus";
import { type AssessmentMessage, type ExecutionMessage, topics } from "@vigil/contracts";
import type { Logger } from "pino";
import type { EffectivenessMetrics } from "../metrics.js";
import type { Feedback } from "../state/feedback.js";
import { buildAssessment, type Judgement, messageFromRecord, recordOf } from "./assessment-message.js";

export interface OutcomesDeps {
  bus: Bus;
  history: ActionHistory;
  feedback: Feedback;
  metrics: EffectivenessMetrics;
  now: () => number;
}

export interface Conclusion {
  execution: ExecutionMessage;
  judgement: Judgement;
  failure: boolean;
  aggregate: boolean;
  observed?: { baseline: TargetSnapshot; current?: TargetSnapshot };
}

export class Outcomes {
  constructor(private readonly deps: OutcomesDeps) {}

  async conclude(c: Conclusion, log: Logger): Promise<AssessmentMessage> {
    const { history, bus, feedback, metrics } = this.deps;
    const { execution } = c;
    const row = await history.get(execution.executionId);
    const earlier = row?.effectiveness;
    const message = earlier ? messageFromRecord(execution, earlier) : buildAssessment(execution, c.judgement, this.deps.now());
    if (!earlier) {
      if (row) await history.recordEffectiveness(execution.executionId, recordOf(message, c.observed));
      else {
        metrics.unrecorded.inc();
        log.warn(
          { executionId: execution.executionId, incidentId: execution.incidentId },
          "no action-history row for this execution (is the executor writing to the same DATABASE_URL?); the assessment is published only",
        );
      }
    }
    await bus.publish(topics.effectiveness, message);
    await feedback.apply({ assessment: message, failure: c.failure, aggregate: c.aggregate }, log);
    if (!earlier) this.count(message, log);
    return message;
  }

  private count(m: AssessmentMessage, log: Logger): void {
    const { metrics } = this.deps;
    metrics.assessments.inc({ action: m.action, outcome: m.outcome, method: m.method });
    if (m.score !== null) metrics.scores.observe({ action: m.action }, m.score);
    if (m.recurrence) metrics.recurrences.inc({ action: m.action });
    if (m.drift) metrics.drift.inc({ action: m.action });
    for (const c of m.components) if (c.value === null) metrics.componentsWithoutData.inc({ component: c.name });
    log.info(
      {
        incidentId: m.incidentId,
        correlationId: m.correlationId,
        executionId: m.executionId,
        action: m.action,
        target: m.target,
        outcome: m.outcome,
        score: m.score,
        method: m.method,
        recurrence: m.recurrence,
        drift: m.drift,
      },
      `assessed ${m.action}: ${m.outcome}${m.score === null ? "" : ` (${m.score.toFixed(2)})`}`,
    );
  }
}

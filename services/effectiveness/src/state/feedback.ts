// What flows back from an assessment, through JetStream KV only (the investigator and the executor read it there):
// the aggregates per (alertname, action) and per (owner, action), and the earned-autonomy ledger per (action,
// alertname, namespace class). Both folds are idempotent (the execution id is remembered in the value), so a
// redelivered assessment changes nothing; a promotion or demotion is published and recorded in PostgreSQL, each
// under an id derived from the execution, so a crash between the steps repeats them harmlessly.
import type { AutonomyChanges } from "@vigil/action-history";
import { aggregateKeys, type AutonomyThresholds, foldAggregate, foldAutonomy, type LedgerChange } from "@vigil/assessment";
import type { Bus, TypedKv } from "@vigil/bus";
import { type AssessmentMessage, type AutonomyChangeMessage, deterministicId, kvBuckets, topics } from "@vigil/contracts";
import { type ExecutorPolicy, namespaceClassOf, targetNamespace } from "@vigil/remediation";
import type { Logger } from "pino";
import type { EffectivenessMetrics } from "../metrics.js";

export interface FeedbackDeps {
  bus: Bus;
  changes: AutonomyChanges;
  policy: ExecutorPolicy;
  thresholds: AutonomyThresholds;
  metrics: EffectivenessMetrics;
}

export interface FeedbackInput {
  assessment: AssessmentMessage;
  /** The execution failed or was reverted: an autonomy setback without a score. */
  failure: boolean;
  /** Counts in the aggregates (not for dry runs, rejections, expiries: nothing was tried). */
  aggregate: boolean;
}

export class Feedback {
  private constructor(
    readonly aggregates: TypedKv<typeof kvBuckets.effectiveness>,
    readonly ledger: TypedKv<typeof kvBuckets.autonomy>,
    private readonly deps: FeedbackDeps,
  ) {}

  static async open(deps: FeedbackDeps): Promise<Feedback> {
    const [aggregates, ledger] = await Promise.all([deps.bus.kv(kvBuckets.effectiveness), deps.bus.kv(kvBuckets.autonomy)]);
    return new Feedback(aggregates, ledger, deps);
  }

  async apply({ assessment: a, failure, aggregate }: FeedbackInput, log: Logger): Promise<void> {
    if (!aggregate) return;
    const entry = { executionId: a.executionId, action: a.action, outcome: a.outcome, score: a.score, at: a.assessedAt };
    for (const key of aggregateKeys(a.alertname, a.owner, a.action))
      await this.aggregates.modify(key, (prev) => foldAggregate(prev, entry));
    await this.updateLedger(a, failure, log);
  }

  /** The ledger key the executor's approval check reads for this assessment. */
  ledgerKeyOf(a: Pick<AssessmentMessage, "action" | "alertname" | "target">): { key: string; namespaceClass: string } {
    const namespaceClass = namespaceClassOf(this.deps.policy, targetNamespace(a.target));
    return { key: kvBuckets.autonomy.key(a.action, a.alertname, namespaceClass), namespaceClass };
  }

  private async updateLedger(a: AssessmentMessage, failure: boolean, log: Logger): Promise<void> {
    const { key, namespaceClass } = this.ledgerKeyOf(a);
    const event = { executionId: a.executionId, outcome: a.outcome, score: a.score, drift: a.drift, failure, at: a.assessedAt };
    let change: LedgerChange | undefined;
    const stored = await this.ledger.modify(key, (prev) => {
      const folded = foldAutonomy(prev, event, this.deps.thresholds);
      change = folded?.change;
      return folded?.value;
    });
    // A change made by this execution, now or by an earlier delivery that crashed before publishing it.
    const last = stored?.value.lastChange;
    if (!change && last?.executionId !== a.executionId) return;
    const made = change ?? { from: last!.from, to: last!.to, reason: last!.reason };
    const message: AutonomyChangeMessage = {
      id: deterministicId("autonomy", a.executionId, made.to),
      correlationId: a.correlationId,
      action: a.action,
      alertname: a.alertname,
      namespaceClass,
      from: made.from,
      to: made.to,
      reason: made.reason,
      executionId: a.executionId,
      successes: stored?.value.successes ?? 0,
      meanScore: stored?.value.meanScore ?? null,
      at: a.assessedAt,
    };
    await this.deps.changes.record(message);
    await this.deps.bus.publish(topics.autonomyChanges, message);
    if (change) {
      this.deps.metrics.autonomyChanges.inc({ to: made.to });
      log.info(
        {
          incidentId: a.incidentId,
          correlationId: a.correlationId,
          action: a.action,
          alertname: a.alertname,
          namespaceClass,
          to: made.to,
          reason: made.reason,
        },
        made.to === "earned"
          ? "autonomy earned: this class of action now runs without approval"
          : "autonomy demoted: this class of action needs approval again",
      );
    }
  }
}

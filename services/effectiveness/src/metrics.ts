// The effectiveness service's own metrics (the bus, the database kit and the Kubernetes client count their parts).
import { Counter, Histogram, type Registry } from "prom-client";

export class EffectivenessMetrics {
  readonly scheduled: Counter<"action">;
  readonly assessments: Counter<"action" | "outcome" | "method">;
  readonly scores: Histogram<"action">;
  readonly lateness: Histogram;
  readonly assessSeconds: Histogram;
  readonly componentsWithoutData: Counter<"component">;
  readonly recurrences: Counter<"action">;
  readonly drift: Counter<"action">;
  readonly autonomyChanges: Counter<"to">;
  readonly alertsSeen: Counter<"status">;
  readonly unrecorded: Counter;

  constructor(registry: Registry) {
    const registers = [registry];
    this.scheduled = new Counter({
      name: "vigil_effectiveness_scheduled_total",
      help: "Live executions whose assessment was scheduled, by action",
      labelNames: ["action"],
      registers,
    });
    this.assessments = new Counter({
      name: "vigil_effectiveness_assessments_total",
      help: "Assessments published, by action, outcome and method (weighted-v1, immediate-dry-run, immediate-failed...)",
      labelNames: ["action", "outcome", "method"],
      registers,
    });
    this.scores = new Histogram({
      name: "vigil_effectiveness_score",
      help: "Scores of scored assessments, by action",
      labelNames: ["action"],
      buckets: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1],
      registers,
    });
    this.lateness = new Histogram({
      name: "vigil_effectiveness_lateness_seconds",
      help: "From the due time to the assessment, on the cluster clock: the scheduling error",
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300],
      registers,
    });
    this.assessSeconds = new Histogram({
      name: "vigil_effectiveness_assess_seconds",
      help: "Time to observe, judge, record and publish one assessment",
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5],
      registers,
    });
    this.componentsWithoutData = new Counter({
      name: "vigil_effectiveness_component_no_data_total",
      help: "Components that had no data in an assessment, by component",
      labelNames: ["component"],
      registers,
    });
    this.recurrences = new Counter({
      name: "vigil_effectiveness_recurrences_total",
      help: "Assessments that saw the problem come back (alert re-fire, OOM kill after the action)",
      labelNames: ["action"],
      registers,
    });
    this.drift = new Counter({
      name: "vigil_effectiveness_drift_total",
      help: "Assessments that found the action's change changed again by someone else",
      labelNames: ["action"],
      registers,
    });
    this.autonomyChanges = new Counter({
      name: "vigil_effectiveness_autonomy_changes_total",
      help: "Earned-autonomy promotions (to=earned) and demotions (to=approval_required)",
      labelNames: ["to"],
      registers,
    });
    this.alertsSeen = new Counter({
      name: "vigil_effectiveness_alerts_seen_total",
      help: "Alerts read into the alert history, by status",
      labelNames: ["status"],
      registers,
    });
    this.unrecorded = new Counter({
      name: "vigil_effectiveness_unrecorded_total",
      help: "Assessments of executions with no action-history row (published, not written to PostgreSQL)",
      registers,
    });
  }
}

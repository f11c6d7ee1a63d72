import { Counter, Histogram, type Registry } from "prom-client";

/** What happened to an alert the pipeline consumed. */
export type AlertOutcome =
  /** A firing alert grouped into an incident and diagnosed (or coalesced into its burst's diagnosis). */
  | "grouped"
  /** A firing alert whose target does not exist: diagnosed `target_not_found`. */
  | "target_not_found"
  /** Watchdog, InfoInhibitor: diagnosed `no_issue_found`, no incident. */
  | "no_trouble"
  /** A resolved alert marked in its incident. */
  | "resolved"
  /** A resolved alert no incident knows (it fired before this analyzer ran, or its incident expired). */
  | "resolved_unknown";

/** The analyzer pipeline's own figures; the bus counts deliveries, retries and dead letters per consumer. */
export class AnalyzerMetrics {
  readonly alertsConsumed: Counter<"status" | "outcome">;
  readonly incidentsOpened: Counter;
  readonly incidentsResolved: Counter;
  readonly diagnosisSeconds: Histogram<"outcome">;
  readonly findings: Counter<"code" | "severity">;
  readonly telemetryInvalid: Counter<"topic">;
  readonly telemetryMessages: Counter<"topic" | "kept">;

  constructor(registry: Registry) {
    const registers = [registry];
    this.alertsConsumed = new Counter({
      name: "vigil_analyzer_alerts_consumed_total",
      help: "Alerts the pipeline handled, by status (firing, resolved) and outcome (grouped, target_not_found, no_trouble, resolved, resolved_unknown)",
      labelNames: ["status", "outcome"],
      registers,
    });
    this.incidentsOpened = new Counter({ name: "vigil_analyzer_incidents_opened_total", help: "Incidents opened", registers });
    this.incidentsResolved = new Counter({
      name: "vigil_analyzer_incidents_resolved_total",
      help: "Incidents resolved (every alert of theirs resolved)",
      registers,
    });
    this.diagnosisSeconds = new Histogram({
      name: "vigil_analyzer_diagnosis_seconds",
      help: "From the alert's delivery to its diagnosis stored in JetStream, by outcome",
      labelNames: ["outcome"],
      buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    });
    this.findings = new Counter({
      name: "vigil_analyzer_findings_total",
      help: "Findings in published diagnoses, by code and severity",
      labelNames: ["code", "severity"],
      registers,
    });
    this.telemetryInvalid = new Counter({
      name: "vigil_analyzer_telemetry_invalid_total",
      help: "Telemetry messages skipped because they failed their schema, by topic (node_metrics, pod_metrics, kernel_events)",
      labelNames: ["topic"],
      registers,
    });
    this.telemetryMessages = new Counter({
      name: "vigil_analyzer_telemetry_messages_total",
      help: "Telemetry messages received, by topic and whether the windows kept them (false: a redelivery, or older than the node's newest)",
      labelNames: ["topic", "kept"],
      registers,
    });
  }
}

/**
 * JetStream stream definitions, independent of the NATS client (libs/bus turns them into StreamConfig).
 * Durations are milliseconds. Limits retention everywhere: consumers track their own position, and a
 * message that exhausted its deliveries stays readable by sequence for the dead-letter record.
 */
export interface StreamDefinition {
  readonly name: string;
  readonly description: string;
  readonly subjects: readonly string[];
  readonly retention: "limits" | "interest" | "workqueue";
  readonly storage: "file" | "memory";
  readonly maxAgeMs: number;
  /** Window in which a repeated `Nats-Msg-Id` is dropped as a duplicate. */
  readonly duplicateWindowMs: number;
  readonly maxBytes?: number;
  readonly maxMsgSize?: number;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export const streams = {
  alerts: {
    name: "VIGIL_ALERTS",
    description: "Normalized Alertmanager alerts, firing and resolved",
    subjects: ["vigil.alerts.>"],
    retention: "limits",
    storage: "file",
    maxAgeMs: 7 * DAY,
    // Alertmanager re-sends every alert of a group each group_interval and repeats every repeat_interval
    // (default 4h); one day of dedupe turns all of those into a single message.
    duplicateWindowMs: DAY,
    maxMsgSize: 1024 * 1024,
  },
  analysis: {
    name: "VIGIL_ANALYSIS",
    description: "Diagnoses produced by the analyzer",
    subjects: ["vigil.analysis.>"],
    retention: "limits",
    storage: "file",
    maxAgeMs: 30 * DAY,
    duplicateWindowMs: 2 * HOUR,
  },
  actions: {
    name: "VIGIL_ACTIONS",
    description: "Remediation proposals, executions, approval requests and decisions",
    subjects: ["vigil.actions.>"],
    retention: "limits",
    storage: "file",
    maxAgeMs: 30 * DAY,
    duplicateWindowMs: 2 * HOUR,
  },
  incidents: {
    name: "VIGIL_INCIDENTS",
    description: "Incident lifecycle: opened, updated, resolved",
    subjects: ["vigil.incidents.>"],
    retention: "limits",
    storage: "file",
    maxAgeMs: 30 * DAY,
    duplicateWindowMs: 2 * HOUR,
  },
  effectiveness: {
    name: "VIGIL_EFFECTIVENESS",
    description: "Effectiveness assessments of executed actions",
    subjects: ["vigil.effectiveness.>"],
    retention: "limits",
    storage: "file",
    maxAgeMs: 90 * DAY,
    duplicateWindowMs: 2 * HOUR,
  },
  metrics: {
    name: "VIGIL_METRICS",
    description: "Node and pod samples from the collectors",
    subjects: ["vigil.metrics.>"],
    retention: "limits",
    storage: "file",
    maxAgeMs: HOUR,
    duplicateWindowMs: 2 * MINUTE,
  },
  kernelEvents: {
    name: "VIGIL_KERNEL_EVENTS",
    description: "Kernel evidence: OOM kills, swap stalls, container lifecycle",
    subjects: ["vigil.events.kernel.>"],
    retention: "limits",
    storage: "file",
    maxAgeMs: DAY,
    duplicateWindowMs: 10 * MINUTE,
  },
  delayed: {
    name: "VIGIL_DELAYED",
    description: "Work due at a later time (assess in 5 minutes, retry at a set time), one subject per task",
    subjects: ["vigil.delayed.>"],
    retention: "limits",
    storage: "file",
    maxAgeMs: 7 * DAY,
    duplicateWindowMs: 2 * HOUR,
  },
  deadLetters: {
    name: "VIGIL_DLQ",
    description: "Messages consumers gave up on, with the reason",
    subjects: ["vigil.dlq.>"],
    retention: "limits",
    storage: "file",
    maxAgeMs: 14 * DAY,
    duplicateWindowMs: DAY,
  },
} as const satisfies Record<string, StreamDefinition>;

export type StreamKey = keyof typeof streams;
export const allStreams: readonly StreamDefinition[] = Object.values(streams);

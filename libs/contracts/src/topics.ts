import type { z } from "zod";
import { alertMessage } from "./alert.js";
import { approvalDecidedMessage, approvalRequestedMessage } from "./approval.js";
import { deadLetterMessage } from "./dead-letter.js";
import { diagnosisMessage } from "./diagnosis.js";
import { assessmentMessage, autonomyChangeMessage } from "./effectiveness.js";
import { executionMessage } from "./execution.js";
import { incidentMessage } from "./incident.js";
import { kernelEventMessage } from "./kernel-event.js";
import { nodeSampleMessage, podsSampleMessage } from "./metrics.js";
import { proposalMessage } from "./proposal.js";
import { type StreamDefinition, streams } from "./streams.js";
import { subjects } from "./subjects.js";

/**
 * A topic binds a message schema to its stream and subjects: publishers derive the subject from the
 * message itself, consumers subscribe with `filter`, and both sides validate with `schema`.
 */
export interface Topic<S extends z.ZodType = z.ZodType> {
  readonly name: string;
  readonly stream: StreamDefinition;
  readonly filter: string;
  readonly schema: S;
  subjectOf(message: z.output<S>): string;
}

function topic<S extends z.ZodType>(
  name: string,
  stream: StreamDefinition,
  filter: string,
  schema: S,
  subjectOf: (message: z.output<S>) => string,
): Topic<S> {
  return { name, stream, filter, schema, subjectOf };
}

export const topics = {
  alerts: topic("alerts", streams.alerts, "vigil.alerts.*", alertMessage, (m) =>
    m.status === "firing" ? subjects.alertsFiring : subjects.alertsResolved,
  ),
  incidents: topic("incidents", streams.incidents, "vigil.incidents.*", incidentMessage, (m) => subjects.incident(m.event)),
  diagnoses: topic("diagnoses", streams.analysis, subjects.analysisCompleted, diagnosisMessage, () => subjects.analysisCompleted),
  actionsProposed: topic("actions_proposed", streams.actions, subjects.actionsProposed, proposalMessage, () => subjects.actionsProposed),
  actionsExecuted: topic("actions_executed", streams.actions, subjects.actionsExecuted, executionMessage, () => subjects.actionsExecuted),
  approvalRequested: topic(
    "approval_requested",
    streams.actions,
    subjects.approvalRequested,
    approvalRequestedMessage,
    () => subjects.approvalRequested,
  ),
  approvalDecided: topic(
    "approval_decided",
    streams.actions,
    subjects.approvalDecided,
    approvalDecidedMessage,
    () => subjects.approvalDecided,
  ),
  effectiveness: topic(
    "effectiveness",
    streams.effectiveness,
    subjects.effectivenessAssessed,
    assessmentMessage,
    () => subjects.effectivenessAssessed,
  ),
  autonomyChanges: topic(
    "autonomy_changes",
    streams.effectiveness,
    subjects.autonomyChanged,
    autonomyChangeMessage,
    () => subjects.autonomyChanged,
  ),
  nodeMetrics: topic("node_metrics", streams.metrics, "vigil.metrics.node.*", nodeSampleMessage, (m) => subjects.nodeMetrics(m.node)),
  podMetrics: topic("pod_metrics", streams.metrics, "vigil.metrics.pods.*", podsSampleMessage, (m) => subjects.podMetrics(m.node)),
  kernelEvents: topic("kernel_events", streams.kernelEvents, "vigil.events.kernel.*.*", kernelEventMessage, (m) =>
    subjects.kernelEvent(m.node, m.type),
  ),
  deadLetters: topic("dead_letters", streams.deadLetters, "vigil.dlq.*", deadLetterMessage, (m) => subjects.deadLetter(m.consumer)),
} as const;

export type TopicKey = keyof typeof topics;
export type MessageOf<T extends Topic> = z.output<T["schema"]>;

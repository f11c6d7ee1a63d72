/**
 * NATS subject names. A subject token may not contain `.`, `*`, `>` or whitespace; Kubernetes node
 * names contain dots but never `_`, so mapping the forbidden characters to `_` cannot collide.
 */
export function subjectToken(value: string): string {
  if (value.length === 0) throw new Error("a subject token cannot be empty");
  return value.replace(/[.*>\s]/g, "_");
}

export const subjects = {
  alertsFiring: "vigil.alerts.firing",
  alertsResolved: "vigil.alerts.resolved",
  analysisCompleted: "vigil.analysis.completed",
  actionsProposed: "vigil.actions.proposed",
  actionsExecuted: "vigil.actions.executed",
  approvalRequested: "vigil.actions.approval.requested",
  approvalDecided: "vigil.actions.approval.decided",
  /** Incident lifecycle: `vigil.incidents.opened|updated|resolved`. */
  incident: (event: "opened" | "updated" | "resolved") => `vigil.incidents.${event}`,
  effectivenessAssessed: "vigil.effectiveness.assessed",
  /** Earned autonomy promoted or demoted for one (action, alertname, namespace class). */
  autonomyChanged: "vigil.effectiveness.autonomy",
  nodeMetrics: (node: string) => `vigil.metrics.node.${subjectToken(node)}`,
  podMetrics: (node: string) => `vigil.metrics.pods.${subjectToken(node)}`,
  kernelEvent: (node: string, type: string) => `vigil.events.kernel.${subjectToken(node)}.${subjectToken(type)}`,
  /** Delayed work of one task (e.g. `effectiveness_assess`); the due time travels in a header. */
  delayed: (task: string) => `vigil.delayed.${subjectToken(task)}`,
  deadLetter: (consumer: string) => `vigil.dlq.${subjectToken(consumer)}`,
} as const;

// escalate: pages every configured sink because a human must look (the policy blocked a loop, nothing safe is
// left to try). The text carries what the on-call engineer needs first: the reason, the incident, the alert,
// the target, and what the investigator concluded with which confidence.
import { resourceKey } from "@vigil/contracts";
import { defineActionImplementation } from "../../action-implementation.js";
import { chooseSinks, notificationBase, notificationPlan } from "./notification-plan.js";

export const escalate = defineActionImplementation({
  name: "escalate",
  // Nothing to read: the plan only checks the sinks.
  async plan(ctx) {
    const { execution, target, parameters } = ctx;
    const sinks = chooseSinks(ctx, undefined);
    const text = [
      parameters.reason,
      "",
      `Incident: ${execution.incidentId}`,
      `Alert: ${execution.alertname}`,
      `Target: ${resourceKey(target)}`,
      ...(execution.summary ? [`Diagnosis: ${execution.summary}`] : []),
      `Reasoning: ${execution.reasoning}`,
      `Confidence: ${execution.confidence.toFixed(2)}`,
    ].join("\n");
    return notificationPlan(
      ctx,
      {
        ...notificationBase(ctx),
        kind: "escalate",
        title: `Escalation: ${execution.alertname} on ${resourceKey(target)}`,
        text,
        urgency: parameters.urgency,
        fields: { Reason: parameters.reason, Confidence: execution.confidence.toFixed(2) },
      },
      sinks,
    );
  },
});

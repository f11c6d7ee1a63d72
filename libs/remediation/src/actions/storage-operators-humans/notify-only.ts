// notify_only: tells humans about an incident without touching the cluster (the investigator's choice when no
// automatic change is safe). See notification-plan.ts for the dry run and the delivery record.
import { resourceKey } from "@vigil/contracts";
import { defineActionImplementation } from "../../action-implementation.js";
import { chooseSinks, notificationBase, notificationPlan } from "./notification-plan.js";

export const notifyOnly = defineActionImplementation({
  name: "notify_only",
  // Nothing to read: the plan only checks the sinks.
  async plan(ctx) {
    const sinks = chooseSinks(ctx, ctx.parameters.sinks);
    const firstLine = ctx.parameters.message.split("\n", 1)[0]!;
    return notificationPlan(
      ctx,
      {
        ...notificationBase(ctx),
        kind: "notify",
        title: firstLine.length <= 120 ? firstLine : `${ctx.execution.alertname} on ${resourceKey(ctx.target)}`,
        text: ctx.parameters.message,
        urgency: "low",
        fields: { Confidence: ctx.execution.confidence.toFixed(2) },
      },
      sinks,
    );
  },
});

// The plan shared by notify_only and escalate: nothing in the cluster changes (consequences.readOnly), the
// message goes to the configured sinks. A dry run sends nothing and says which sinks would get it; a live run
// records every sink's delivery and fails when no sink accepted it, since then no human was reached.
import { resourceKey } from "@vigil/contracts";
import { type ActionContext, ActionFailure, type ActionPlan, ActionRefusal } from "../../action-implementation.js";

/** What the notifying actions read of their context (the same for every action name). */
export type NotifyContext = Pick<ActionContext, "env" | "execution" | "target" | "signal">;
import type { Notification } from "../../notify/notifier.js";

/** Refuses when no sink is configured or a named one is not; otherwise the sinks that will be notified. */
export function chooseSinks(ctx: NotifyContext, named: readonly string[] | undefined): readonly string[] {
  const configured = ctx.env.notifier.sinks;
  if (configured.length === 0) throw new ActionRefusal("no notification sink is configured: set EXECUTOR_NOTIFY_SINKS");
  if (!named) return configured;
  const unknown = named.filter((s) => !configured.includes(s));
  if (unknown.length)
    throw new ActionRefusal(
      `unknown notification sink${unknown.length > 1 ? "s" : ""} ${unknown.join(", ")}: configured sinks are ${configured.join(", ")}`,
    );
  return [...new Set(named)];
}

/** The part of a notification every action fills the same way. */
export function notificationBase(ctx: NotifyContext): Omit<Notification, "kind" | "title" | "text" | "urgency"> {
  const { execution, target } = ctx;
  return {
    incidentId: execution.incidentId,
    correlationId: execution.correlationId,
    executionId: execution.executionId,
    alertname: execution.alertname,
    target,
  };
}

export function notificationPlan(ctx: NotifyContext, notification: Notification, sinks: readonly string[]): ActionPlan {
  return {
    summary: `${notification.kind === "escalate" ? "escalate to" : "notify"} ${sinks.join(", ")}: ${notification.title} (${resourceKey(notification.target)})`,
    before: {},
    consequences: { readOnly: true },
    async apply(kube) {
      if (kube.dryRun) return { after: {}, details: { wouldNotify: sinks, notification } };
      const deliveries = await ctx.env.notifier.send(notification, { sinks, signal: ctx.signal });
      if (!deliveries.some((d) => d.delivered))
        throw new ActionFailure(
          `no notification sink accepted the ${notification.kind === "escalate" ? "escalation" : "notification"}: ${deliveries.map((d) => `${d.sink}: ${d.error ?? "not delivered"}`).join("; ")}`,
          { deliveries },
        );
      return { after: {}, details: { deliveries, notification } };
    },
  };
}

// Alerts of another kind that started for the owner after the action: side effects of it (a memory increase that
// leaves the pod unschedulable, a rollback that trips a readiness alert). The side_effects component counts them; the
// alert the action was for is the alert component's, its re-fire is a recurrence, not a side effect.
import type { AlertEpisode } from "./alert-history.js";
import type { AssessmentContext } from "./assessment-context.js";

export function newAlertsForOwner(ctx: Pick<AssessmentContext, "subject" | "windows" | "cluster" | "alerts">): AlertEpisode[] {
  const { subject, windows } = ctx;
  return ctx.alerts.history
    .forOwner(ctx.cluster, subject.owner, subject.actionAt, windows.after.to)
    .filter((e) => e.alertname !== subject.alertname && e.startsAt > subject.actionAt && e.startsAt <= windows.after.to);
}

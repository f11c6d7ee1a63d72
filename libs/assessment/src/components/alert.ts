// Did the alert the action was for resolve after it, and stay resolved? Kubernaut counted an alert that had been
// firing since before the action as resolved; here an episode that started before the action and is still open at
// the end of the window is "still firing" (0), an episode of the same alertname for the owner that starts after the
// action (the same fingerprint re-firing, or the replacement pod's own alert) is a recurrence (0), and only an alert
// that ended after the action with nothing new since is resolved (1). Alertmanager's API v2, when configured, is
// authoritative for what is firing now: a resolved notification may be lost, Alertmanager's state is not.
import { resolveTarget } from "@vigil/alertmanager";
import { resourceKey, type ResourceRef } from "@vigil/contracts";
import { formatDuration } from "@vigil/analysis";
import type { AlertEpisode } from "../alert-history.js";
import type { ActiveAlert, AssessmentContext } from "../assessment-context.js";
import { defineComponent, type ComponentResult } from "../component-definition.js";
import { refBelongsTo } from "../owner-scope.js";

/** What Alertmanager said: the owner's active alerts of the alertname, or why it could not be asked. */
type AlertmanagerView =
  { state: "not_configured" } | { state: "unreachable"; error: string } | { state: "answered"; active: ActiveAlert[] };

const iso = (ms: number): string => new Date(ms).toISOString();
const keyOf = (e: { fingerprint: string; startsAt: number }): string => `${e.fingerprint}@${e.startsAt}`;

function subjectOf(labels: Record<string, string>, target: ResourceRef | undefined): string {
  if (target) return `${target.kind.toLowerCase()} ${target.name}`;
  return `fingerprint labels ${JSON.stringify(labels)}`;
}

async function askAlertmanager(ctx: AssessmentContext): Promise<AlertmanagerView> {
  const am = ctx.alerts.alertmanager;
  if (!am) return { state: "not_configured" };
  const { owner, alertname, fingerprint } = ctx.subject;
  try {
    const active = await am.activeAlerts({
      alertname,
      ...(owner.kind !== "Node" && owner.namespace ? { namespace: owner.namespace } : {}),
    });
    const mine = active.filter((a) => {
      if (a.fingerprint === fingerprint) return true;
      const target = resolveTarget(a.labels);
      return target !== undefined && refBelongsTo(ctx.cluster, target, owner);
    });
    return { state: "answered", active: mine };
  } catch (err) {
    return { state: "unreachable", error: err instanceof Error ? err.message : String(err) };
  }
}

/** The owner's episodes of the action's alertname in [before.from, after.to], plus the incident's own fingerprint. */
function episodesOf(ctx: AssessmentContext): AlertEpisode[] {
  const { subject, windows } = ctx;
  const from = windows.before.from;
  const to = windows.after.to;
  const found = new Map<string, AlertEpisode>();
  for (const e of ctx.alerts.history.forOwner(ctx.cluster, subject.owner, from, to))
    if (e.alertname === subject.alertname) found.set(keyOf(e), e);
  // The incident's alert is about the owner by definition, even when its labels name nothing the cache can follow.
  for (const e of ctx.alerts.history.episodes({ fingerprint: subject.fingerprint }))
    if (e.startsAt <= to && (e.endsAt === undefined || e.endsAt >= from)) found.set(keyOf(e), e);
  return [...found.values()].sort((a, b) => a.startsAt - b.startsAt);
}

function assessAlert(ctx: AssessmentContext, episodes: AlertEpisode[], am: AlertmanagerView): ComponentResult {
  const { alertname, actionAt, owner } = ctx.subject;
  const until = ctx.windows.after.to;
  const ownerText = resourceKey(owner);
  const since = (t: number): string =>
    t <= actionAt ? `${formatDuration(actionAt - t)} before the action` : `${formatDuration(t - actionAt)} after the action`;

  const firingAtAction = episodes.filter((e) => e.startsAt <= actionAt && (e.endsAt === undefined || e.endsAt > actionAt));
  const endedBefore = episodes.filter((e) => e.endsAt !== undefined && e.endsAt <= actionAt);
  const refired = episodes.filter((e) => e.startsAt > actionAt && e.startsAt <= until);
  const openAtEnd = (e: AlertEpisode): boolean => e.endsAt === undefined || e.endsAt > until;

  // Still firing since before the action, and fired again since: Alertmanager's word when it answered, else the history's.
  let continuing: Array<{ subject: string; startsAt: number }>;
  const recurrences = new Map<string, { subject: string; startsAt: number; open: boolean }>();
  for (const e of refired) recurrences.set(keyOf(e), { subject: subjectOf(e.labels, e.target), startsAt: e.startsAt, open: openAtEnd(e) });
  if (am.state === "answered") {
    // A re-fire seen in the history is still open only if Alertmanager still has it (its resolved may be in flight).
    for (const r of recurrences.values()) r.open = false;
    continuing = am.active
      .filter((a) => a.startsAt <= actionAt)
      .map((a) => ({ subject: subjectOf(a.labels, resolveTarget(a.labels)), startsAt: a.startsAt }));
    for (const a of am.active.filter((x) => x.startsAt > actionAt))
      recurrences.set(keyOf(a), { subject: subjectOf(a.labels, resolveTarget(a.labels)), startsAt: a.startsAt, open: true });
  } else {
    continuing = firingAtAction.filter(openAtEnd).map((e) => ({ subject: subjectOf(e.labels, e.target), startsAt: e.startsAt }));
  }

  const amNote =
    am.state === "unreachable" ? ` (Alertmanager could not be asked: ${am.error}; judged from the alerts seen on vigil.alerts.*)` : "";
  const evidence: Record<string, unknown> = {
    alertname,
    owner: ownerText,
    actionAt: iso(actionAt),
    observedUntil: iso(until),
    episodes: episodes.map((e) => ({
      fingerprint: e.fingerprint,
      subject: subjectOf(e.labels, e.target),
      startsAt: iso(e.startsAt),
      ...(e.endsAt !== undefined ? { endsAt: iso(e.endsAt) } : {}),
      ...(e.endInferred ? { endInferred: true } : {}),
      role: e.startsAt > actionAt ? "recurrence" : firingAtAction.includes(e) ? "firing at the action" : "ended before the action",
    })),
    alertmanager:
      am.state === "answered"
        ? { state: am.state, active: am.active.map((a) => ({ fingerprint: a.fingerprint, startsAt: iso(a.startsAt), labels: a.labels })) }
        : am,
  };

  if (recurrences.size > 0) {
    const list = [...recurrences.values()].sort((a, b) => a.startsAt - b.startsAt);
    const first = list[0]!;
    const stillOpen = list.some((r) => r.open) || continuing.length > 0;
    return {
      value: 0,
      recurrence: true,
      alertResolved: !stillOpen,
      explanation:
        `${alertname} fired again for ${ownerText} ${since(first.startsAt)} (${first.subject}` +
        `${list.length > 1 ? ` and ${list.length - 1} more` : ""})${stillOpen ? " and is still firing" : ""}: a recurrence.${amNote}`,
      evidence,
    };
  }
  if (continuing.length > 0) {
    const oldest = continuing.reduce((a, b) => (a.startsAt <= b.startsAt ? a : b));
    const source = am.state === "answered" ? "Alertmanager still has it active" : "no resolved notification since";
    return {
      value: 0,
      alertResolved: false,
      explanation:
        `${alertname} for ${ownerText} has been firing continuously since ${iso(oldest.startsAt)}, ${since(oldest.startsAt)} ` +
        `(${oldest.subject}); ${source}: not resolved.${amNote}`,
      evidence,
    };
  }
  if (firingAtAction.length > 0) {
    const ends = firingAtAction.map((e) => e.endsAt).filter((t): t is number => t !== undefined && t <= until);
    const when = ends.length === firingAtAction.length ? ` ${since(Math.max(...ends))}` : "";
    const how = ends.length === firingAtAction.length ? "resolved" : "no longer active in Alertmanager";
    return {
      value: 1,
      alertResolved: true,
      explanation: `${alertname} for ${ownerText} was firing at the action and ${how}${when}, and has not fired again.${amNote}`,
      evidence,
    };
  }
  if (endedBefore.length > 0) {
    const last = Math.max(...endedBefore.map((e) => e.endsAt!));
    return {
      value: null,
      alertResolved: true,
      explanation: `${alertname} for ${ownerText} resolved at ${iso(last)}, ${since(last)}, and has not fired again: it resolved on its own, so it says nothing about the action.`,
      evidence,
    };
  }
  if (am.state === "answered") {
    return {
      value: 1,
      alertResolved: true,
      explanation: `Alertmanager has no ${alertname} firing for ${ownerText}, and none started after the action.`,
      evidence,
    };
  }
  const why =
    am.state === "unreachable" ? `Alertmanager could not be asked (${am.error})` : "no Alertmanager is configured (ALERTMANAGER_URL)";
  return {
    value: null,
    alertResolved: null,
    explanation: `The state of ${alertname} for ${ownerText} is unknown: no episode of it was seen on vigil.alerts.* in the window, and ${why}.`,
    evidence,
  };
}

export const alert = defineComponent({
  name: "alert",
  weight: 0.25,
  description:
    "The alert the action was for: resolved after the action (seen on vigil.alerts.resolved, or no longer active in Alertmanager's API v2) " +
    "scores 1; firing continuously since before the action, or firing again within the window (a recurrence), scores 0; unknown is no data.",
  async assess(ctx) {
    const [episodes, am] = [episodesOf(ctx), await askAlertmanager(ctx)];
    return assessAlert(ctx, episodes, am);
  },
});

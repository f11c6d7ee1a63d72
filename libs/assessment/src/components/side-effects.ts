// side_effects: did the action break something else? New Warning events on the target, the owner, the owner's
// pods (replacements included) and ReplicaSets after the action: FailedScheduling for a pod that no longer
// fits, FailedMount, FailedCreate (quota), Unhealthy, BackOff of a new pod, ErrImagePull, Evicted...
// "New" is an event first seen after the action. A warning series that began before it and kept counting (the
// BackOff of a pod already crash-looping) is the incident itself, judged by health and the alert; it is shown in
// the evidence as continuing, not scored here. Otherwise a successful fix would lose points for the last
// BackOff of the pods it was replacing. New alerts for the same owner are added by the pipeline (alert history).
import type { CoreV1Event } from "@kubernetes/client-node";
import type { AssessmentContext } from "../assessment-context.js";
import { defineComponent, type ComponentResult } from "../component-definition.js";
import { newAlertsForOwner } from "../new-alerts.js";
import { cachedObject } from "../observe-target.js";
import { firstSeen, lastSeen, warningEventsAbout } from "../owner-events.js";

/** Each distinct reason costs this much of the value… */
const PER_REASON = 0.2;
/** …and each further occurrence this much: one FailedScheduling is a hiccup, fifty are a problem. */
const PER_OCCURRENCE = 0.02;
/** Occurrences counted per event, so one flapping series does not outweigh every other signal. */
const OCCURRENCE_CAP = 10;

interface NewWarning {
  reason: string;
  object: string;
  occurrences: number;
  first: string;
  last: string;
  message: string;
}

const iso = (ms: number): string => new Date(ms).toISOString();
const objectOf = (e: CoreV1Event): string =>
  `${e.involvedObject?.kind ?? "?"} ${e.involvedObject?.namespace ? `${e.involvedObject.namespace}/` : ""}${e.involvedObject?.name ?? "?"}`;
const occurrencesOf = (e: CoreV1Event): number => Math.min(OCCURRENCE_CAP, Math.max(1, e.series?.count ?? e.count ?? 1));

/** 1 with no new warning, less for each distinct reason and occurrence, 0 at five reasons or a flood. */
export function sideEffectValue(reasons: number, occurrences: number): number {
  if (reasons === 0) return 1;
  const v = 1 - PER_REASON * reasons - PER_OCCURRENCE * Math.max(0, occurrences - reasons);
  return Math.max(0, Math.round(v * 100) / 100);
}

export function assessSideEffects(ctx: AssessmentContext): ComponentResult {
  const { subject, now } = ctx;
  // Event times have whole seconds (firstTimestamp, lastTimestamp): what the action's own writes caused in the second
  // it finished (a pod that cannot be scheduled) carries that second, possibly earlier than actionAt's milliseconds.
  const since = Math.floor(subject.actionAt / 1000) * 1000;
  const events = warningEventsAbout(ctx.cluster, subject).filter((e) => lastSeen(e) >= since && firstSeen(e) <= now);
  const fresh: NewWarning[] = [];
  const continuing: NewWarning[] = [];
  for (const e of events) {
    const started = firstSeen(e);
    const w = {
      reason: e.reason ?? "Unknown",
      object: objectOf(e),
      occurrences: occurrencesOf(e),
      first: iso(started),
      last: iso(lastSeen(e)),
      message: (e.message ?? "").slice(0, 200),
    };
    (started >= since ? fresh : continuing).push(w);
  }
  fresh.sort((a, b) => a.first.localeCompare(b.first));
  // Alerts of another name that began for the same owner after the action: the fix moved the problem (Kubernaut's
  // "new alerts" side effect, scoped to the owner instead of every alert of the namespace).
  const newAlerts = newAlertsForOwner(ctx).map((a) => ({ alertname: a.alertname, fingerprint: a.fingerprint, startsAt: iso(a.startsAt) }));
  const evidence = { newWarnings: fresh, continuingWarnings: continuing, newAlerts, since: iso(subject.actionAt) };

  if (fresh.length === 0 && continuing.length === 0 && newAlerts.length === 0 && cachedObject(ctx.cluster, subject.owner) === undefined)
    return {
      value: null,
      explanation: `${subject.owner.kind} ${subject.owner.name} is not in the cluster cache and has no events: no side effects to judge`,
      evidence,
    };

  const byReason = new Map<string, number>();
  for (const w of fresh) byReason.set(w.reason, (byReason.get(w.reason) ?? 0) + w.occurrences);
  for (const a of newAlerts) byReason.set(`alert ${a.alertname}`, (byReason.get(`alert ${a.alertname}`) ?? 0) + 1);
  const occurrences = [...byReason.values()].reduce((a, b) => a + b, 0);
  const value = sideEffectValue(byReason.size, occurrences);
  const carried = continuing.length
    ? `; ${continuing.length} warning series from before the action continued (${[...new Set(continuing.map((w) => w.reason))].join(", ")}), not counted`
    : "";
  const alertsText = newAlerts.length
    ? `; new alerts for the owner since the action: ${[...new Set(newAlerts.map((a) => a.alertname))].join(", ")}`
    : "";
  if (fresh.length === 0)
    return {
      value,
      explanation: `no new Warning event on the target, its owner or its pods since the action${alertsText}${carried}`,
      evidence,
    };
  const summary = [...byReason].map(([reason, n]) => `${reason} ×${n}`).join(", ");
  const objects = [...new Set(fresh.map((w) => w.object))].slice(0, 5).join(", ");
  return {
    value,
    explanation: `${fresh.length} new Warning event(s) since the action: ${summary} (on ${objects})${alertsText}${carried}`,
    evidence,
  };
}

export const sideEffects = defineComponent({
  name: "side_effects",
  weight: 0.1,
  description:
    "New Warning events (first seen after the action) on the target, its owner, the owner's pods and ReplicaSets, and new alerts of another name for the owner: 1 with none, 0.2 less per distinct reason or alert and 0.02 per further occurrence",
  assess: assessSideEffects,
});

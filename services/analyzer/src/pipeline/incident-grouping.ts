// The grouping rules, as pure functions of (the owner's current incident, the alert, cluster time): the store
// runs them inside a KV compare-and-set loop, which may call them several times, so they decide and never act.
//
// - One incident per owner (the Deployment or Node behind the alert) across alert names: a firing alert joins
//   the owner's incident while that incident is open and its last activity is within the incident window;
//   otherwise it opens a new one. A resolved incident is never reopened: a later alert starts a new incident.
// - One diagnosis per burst: the alert that opens an incident is diagnosed; a joining alert is diagnosed again
//   only when the incident had been quiet for `rediagnoseAfterMs` (a new burst, when the cluster may have moved
//   on). Alerts of one burst (a crash loop's KubePodCrashLooping + KubePodNotReady + KubeDeploymentReplicasMismatch
//   about every replica) describe the state the first diagnosis already read, so they share it.
import {
  type AlertMessage,
  deterministicId,
  type FindingSeverity,
  type IncidentAlert,
  type IncidentState,
  type ResourceRef,
} from "@vigil/contracts";

export interface GroupingSettings {
  /** An open incident idle longer than this (cluster time) takes no more alerts. */
  windowMs: number;
  /** A joining alert after this much quiet starts a new burst and gets a new diagnosis. */
  rediagnoseAfterMs: number;
}

export type GroupingEvent = "opened" | "updated";

export interface GroupingDecision {
  event: GroupingEvent;
  incident: IncidentState;
  /** This alert's delivery gets a diagnosis of its own (the incident's latestDiagnosisId is its id). */
  diagnose: boolean;
}

/** Deterministic from the alert that opened the incident: a redelivery opens the same incident. */
export const incidentIdFor = (alert: Pick<AlertMessage, "id">): string => deterministicId("inc", "incident", alert.id);

/** Deterministic from the alert that caused it: `Nats-Msg-Id` dedupe makes republishing after a redelivery safe. */
export const diagnosisIdFor = (alert: Pick<AlertMessage, "id">): string => deterministicId("diag", alert.id);

/** One incident event per alert delivery that changed the incident. */
export const incidentEventIdFor = (alert: Pick<AlertMessage, "id">): string => deterministicId("incev", alert.id);

const SEVERITY_RANK: Record<FindingSeverity, number> = { info: 0, warning: 1, critical: 2 };

/** Alertmanager's free-form `severity` label on the incident scale; unknown words are `info`, never an alarm. */
export function alertSeverity(label: string): FindingSeverity {
  const s = label.toLowerCase();
  if (["critical", "page", "error", "high", "emergency", "alert", "fatal"].includes(s)) return "critical";
  if (["warning", "warn", "medium", "major"].includes(s)) return "warning";
  return "info";
}

const worse = (a: FindingSeverity, b: FindingSeverity): FindingSeverity => (SEVERITY_RANK[b] > SEVERITY_RANK[a] ? b : a);

/** The owner without the container a target may name: incidents are about workloads and nodes. */
export function ownerRef(owner: ResourceRef): ResourceRef {
  return { kind: owner.kind, name: owner.name, ...(owner.namespace ? { namespace: owner.namespace } : {}) };
}

const ownerText = (o: ResourceRef): string => (o.namespace ? `${o.kind} ${o.namespace}/${o.name}` : `${o.kind} ${o.name}`);

function summaryOf(incident: Pick<IncidentState, "alerts" | "owner">): string {
  const names = [...new Set(incident.alerts.map((a) => a.alertname))];
  return `${names.join(", ")} on ${ownerText(incident.owner)}`;
}

/** An alert seen for the first time in an incident. */
const newAlertEntry = (alert: AlertMessage, now: string): IncidentAlert => ({
  alertname: alert.alertname,
  fingerprint: alert.fingerprint,
  status: "firing",
  firstSeenAt: now,
  lastSeenAt: now,
  lastAlertId: alert.id,
});

/** The incident after a firing alert: the owner's current one joined, or a new one. */
export function groupFiring(
  current: IncidentState | undefined,
  alert: AlertMessage,
  owner: ResourceRef,
  nowMs: number,
  settings: GroupingSettings,
): GroupingDecision {
  const now = new Date(nowMs).toISOString();
  const severity = alertSeverity(alert.severity);
  const idleMs = current ? nowMs - Date.parse(current.updatedAt) : Infinity;
  if (!current || current.status !== "open" || idleMs > settings.windowMs) {
    const alerts = [newAlertEntry(alert, now)];
    const incident: IncidentState = {
      incidentId: incidentIdFor(alert),
      owner: ownerRef(owner),
      alerts,
      occurrences: 1,
      severity,
      status: "open",
      summary: summaryOf({ alerts, owner }),
      openedAt: now,
      updatedAt: now,
      latestDiagnosisId: diagnosisIdFor(alert),
    };
    return { event: "opened", incident, diagnose: true };
  }
  const known = current.alerts.some((a) => a.fingerprint === alert.fingerprint);
  const alerts = known
    ? current.alerts.map((a) =>
        a.fingerprint === alert.fingerprint ? { ...a, status: "firing" as const, lastSeenAt: now, lastAlertId: alert.id } : a,
      )
    : [...current.alerts, newAlertEntry(alert, now)];
  // A clock that went backwards (idle < 0) is not a quiet period.
  const diagnose = idleMs >= settings.rediagnoseAfterMs;
  const incident: IncidentState = {
    ...current,
    alerts,
    occurrences: current.occurrences + 1,
    severity: worse(current.severity, severity),
    summary: summaryOf({ alerts, owner: current.owner }),
    // Never moves back: a delivery handled late (cluster clock read before a concurrent one's) keeps the later time.
    updatedAt: idleMs < 0 ? current.updatedAt : now,
    ...(diagnose ? { latestDiagnosisId: diagnosisIdFor(alert) } : {}),
  };
  return { event: "updated", incident, diagnose };
}

export interface ResolutionDecision {
  event: "updated" | "resolved";
  incident: IncidentState;
}

/** The incident after a resolved alert, or undefined when the alert is not firing in it (nothing changes). */
export function resolveAlert(current: IncidentState | undefined, alert: AlertMessage, nowMs: number): ResolutionDecision | undefined {
  if (!current || !current.alerts.some((a) => a.fingerprint === alert.fingerprint && a.status === "firing")) return undefined;
  const now = new Date(Math.max(nowMs, Date.parse(current.updatedAt))).toISOString();
  const alerts = current.alerts.map((a) =>
    a.fingerprint === alert.fingerprint ? { ...a, status: "resolved" as const, lastSeenAt: now } : a,
  );
  const allResolved = alerts.every((a) => a.status === "resolved");
  const incident: IncidentState = {
    ...current,
    alerts,
    updatedAt: now,
    ...(allResolved ? { status: "resolved" as const, resolvedAt: now } : {}),
  };
  return { event: allResolved ? "resolved" : "updated", incident };
}

/**
 * A number that grows with every change the rules above make: a firing alert adds 2 occurrences' worth and can
 * un-resolve at most one alert (-1), a resolution resolves one (+1). Copies of an incident (its `id` key) are
 * written only forwards with it, so two concurrent writers cannot leave an older state behind.
 */
export function incidentProgress(incident: IncidentState): number {
  return 2 * incident.occurrences + incident.alerts.filter((a) => a.status === "resolved").length;
}

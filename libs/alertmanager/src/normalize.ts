import { type AlertMessage, type AlertmanagerAlert, type AlertmanagerWebhook, deterministicId } from "@vigil/contracts";
import { alertFingerprint } from "./fingerprint.js";
import { resolveNamespace, resolveTarget } from "./target.js";

/** Alertmanager marks "no end" with Go's zero time. */
const isZeroTime = (t: string | undefined) => !t || t.startsWith("0001-01-01");

/**
 * The JetStream message id: Alertmanager retries a failed notification, re-sends every alert of a group
 * each group_interval and repeats after repeat_interval; all of those share fingerprint + startsAt + status.
 */
export function alertMessageId(fingerprint: string, startsAt: string, status: string): string {
  return `${fingerprint}:${startsAt}:${status}`;
}

/** The incident id: the same for the firing and the resolved notification of one alert occurrence. */
export function incidentId(fingerprint: string, startsAt: string): string {
  return deterministicId("inc", fingerprint, startsAt);
}

export function normalizeAlert(alert: AlertmanagerAlert, payload: AlertmanagerWebhook, receivedAt: string): AlertMessage {
  const labels = alert.labels;
  const fingerprint = alert.fingerprint ?? alertFingerprint(labels);
  const startsAt = new Date(alert.startsAt).toISOString();
  const alertname = labels.alertname || "unnamed";
  const namespace = resolveNamespace(labels);
  const target = resolveTarget(labels);
  const annotations = alert.annotations;
  return {
    id: alertMessageId(fingerprint, startsAt, alert.status),
    correlationId: incidentId(fingerprint, startsAt),
    fingerprint,
    status: alert.status,
    alertname,
    severity: (labels.severity || "info").toLowerCase(),
    ...(namespace ? { namespace } : {}),
    ...(target ? { target } : {}),
    summary: annotations.summary || annotations.description || annotations.message || `${alertname} is ${alert.status}`,
    labels,
    annotations,
    startsAt,
    ...(isZeroTime(alert.endsAt) ? {} : { endsAt: new Date(alert.endsAt as string).toISOString() }),
    ...(alert.generatorURL ? { generatorURL: alert.generatorURL } : {}),
    receiver: payload.receiver,
    groupKey: payload.groupKey,
    ...(payload.externalURL ? { externalURL: payload.externalURL } : {}),
    receivedAt,
  };
}

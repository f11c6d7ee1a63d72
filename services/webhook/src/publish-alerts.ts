// The "filter → publish" steps of the intake: every alert of a notification is filtered, normalized
// and published concurrently, and each outcome is counted. Failures are collected, never thrown, so one
// unstored alert does not hide what happened to the others.
import { type Matcher, matchesAll, normalizeAlert } from "@vigil/alertmanager";
import { type AlertmanagerWebhook, topics } from "@vigil/contracts";
import { type Bus, isUnavailable } from "@vigil/bus";
import { PermanentError, UnavailableError } from "@vigil/errors";
import type { Logger } from "pino";
import type { WebhookMetrics } from "./metrics.js";

export interface IntakeSummary {
  received: number;
  published: number;
  duplicates: number;
  filtered: number;
}

export interface AlertFailure {
  fingerprint: string;
  alertname: string;
  error: string;
}

export interface IntakeResult {
  summary: IntakeSummary;
  failures: AlertFailure[];
  /** Some failure was an outage (NATS or the stream unreachable) rather than a refusal. */
  unavailable: boolean;
}

export interface PublishAlertsDeps {
  bus: Bus;
  metrics: WebhookMetrics;
  filter: readonly Matcher[];
  log: Logger;
}

export async function publishAlerts(payload: AlertmanagerWebhook, { bus, metrics, filter, log }: PublishAlertsDeps): Promise<IntakeResult> {
  const receivedAt = new Date().toISOString();
  if (payload.truncatedAlerts > 0) {
    metrics.truncated.inc(payload.truncatedAlerts);
    log.warn(
      { truncatedAlerts: payload.truncatedAlerts, groupKey: payload.groupKey },
      "Alertmanager truncated this notification (receiver max_alerts)",
    );
  }
  const summary: IntakeSummary = { received: payload.alerts.length, published: 0, duplicates: 0, filtered: 0 };
  const failures: AlertFailure[] = [];
  let unavailable = false;
  await Promise.all(
    payload.alerts.map(async (alert) => {
      const labels = { alertname: alert.labels.alertname ?? "", status: alert.status };
      metrics.received.inc(labels);
      if (filter.length > 0 && !matchesAll(filter, alert.labels)) {
        summary.filtered++;
        metrics.filtered.inc(labels);
        return;
      }
      const message = normalizeAlert(alert, payload, receivedAt);
      try {
        const ack = await bus.publish(topics.alerts, message);
        summary[ack.duplicate ? "duplicates" : "published"]++;
        (ack.duplicate ? metrics.duplicate : metrics.published).inc(labels);
        log.debug({ correlationId: message.correlationId, msgId: message.id, duplicate: ack.duplicate, seq: ack.seq }, "alert stored");
      } catch (err) {
        unavailable ||= isUnavailable(err);
        metrics.failed.inc(labels);
        failures.push({ fingerprint: message.fingerprint, alertname: message.alertname, error: (err as Error).message });
      }
    }),
  );
  return { summary, failures, unavailable };
}

/**
 * The answer to a notification with unstored alerts. Never hide a partial failure: Alertmanager retries
 * the whole notification on a 5xx, and what was stored dedupes. An outage asks for a retry in 5 s (503),
 * anything else is a 500.
 */
export function notStoredError({ summary, failures, unavailable }: IntakeResult): UnavailableError | PermanentError {
  const message = `${failures.length} of ${summary.received} alerts were not stored in JetStream; retry the notification (stored alerts are deduplicated)`;
  const details = { ...summary, failed: failures };
  return unavailable ? new UnavailableError(message, { details, retryAfterMs: 5000 }) : new PermanentError(message, { details });
}

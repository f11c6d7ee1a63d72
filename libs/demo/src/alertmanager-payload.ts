// Alertmanager's webhook payload (version 4) as a real Alertmanager sends it for one alert group: one notification
// per alert here (route `group_by: ['...']`), with the fingerprint Alertmanager computes from the labels, so the
// webhook sees exactly what production sends, retries and resolutions included.
import { alertFingerprint } from "@vigil/alertmanager";
import { type AlertmanagerWebhook, alertmanagerWebhook } from "@vigil/contracts";

/** An alert as a Prometheus rule labels it (the acceptance table's ScenarioAlert has this shape). */
export interface RuleAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export interface AlertOccurrence {
  alert: RuleAlert;
  /** When the rule started firing (cluster time). */
  startsAt: Date;
  /** Set once the rule stopped firing: the notification is then a resolution. */
  endsAt?: Date;
}

export interface PayloadOptions {
  receiver?: string;
  externalURL?: string;
  prometheusURL?: string;
}

/** Alertmanager marks "no end yet" with Go's zero time. */
const GO_ZERO_TIME = "0001-01-01T00:00:00Z";

/** The `expr` link Prometheus puts in generatorURL: the alert's rule in the graph view. */
function generatorURL(base: string, labels: Record<string, string>): string {
  const selector = Object.entries(labels)
    .filter(([k]) => k !== "alertname" && k !== "severity")
    .map(([k, v]) => `${k}="${v}"`)
    .join(",");
  const expr = `ALERTS{alertname="${labels["alertname"] ?? ""}",${selector}}`;
  return `${base}/graph?g0.expr=${encodeURIComponent(expr)}&g0.tab=1`;
}

/**
 * The webhook body Alertmanager POSTs for one alert: firing, or resolved when `endsAt` is set. groupKey, groupLabels
 * and commonLabels are what a route grouping by every label produces for a single alert.
 */
export function alertmanagerPayload(occurrence: AlertOccurrence, opts: PayloadOptions = {}): AlertmanagerWebhook {
  const { alert, startsAt, endsAt } = occurrence;
  const status = endsAt ? "resolved" : "firing";
  const prometheus = opts.prometheusURL ?? "http://prometheus-k8s.monitoring.svc:9090";
  const labelText = Object.entries(alert.labels)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(", ");
  return alertmanagerWebhook.parse({
    version: "4",
    groupKey: `{}/{}:{${labelText}}`,
    truncatedAlerts: 0,
    status,
    receiver: opts.receiver ?? "vigil",
    groupLabels: alert.labels,
    commonLabels: alert.labels,
    commonAnnotations: alert.annotations,
    externalURL: opts.externalURL ?? "http://alertmanager-main.monitoring.svc:9093",
    alerts: [
      {
        status,
        labels: alert.labels,
        annotations: alert.annotations,
        startsAt: startsAt.toISOString(),
        endsAt: endsAt ? endsAt.toISOString() : GO_ZERO_TIME,
        generatorURL: generatorURL(prometheus, alert.labels),
        fingerprint: alertFingerprint(alert.labels),
      },
    ],
  });
}

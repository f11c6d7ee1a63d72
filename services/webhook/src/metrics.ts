import { Counter, type Registry } from "prom-client";

type AlertLabels = "alertname" | "status";

/** What happened to every alert the webhook received. */
export class WebhookMetrics {
  readonly received: Counter<AlertLabels>;
  readonly published: Counter<AlertLabels>;
  readonly duplicate: Counter<AlertLabels>;
  readonly filtered: Counter<AlertLabels>;
  readonly failed: Counter<AlertLabels>;
  readonly truncated: Counter;
  readonly rejectedRequests: Counter<"reason">;

  constructor(registry: Registry) {
    const registers = [registry];
    const labelNames = ["alertname", "status"] as const;
    this.received = new Counter({
      name: "vigil_webhook_alerts_received_total",
      help: "Alerts received from Alertmanager",
      labelNames,
      registers,
    });
    this.published = new Counter({
      name: "vigil_webhook_alerts_published_total",
      help: "Alerts stored in JetStream for the first time",
      labelNames,
      registers,
    });
    this.duplicate = new Counter({
      name: "vigil_webhook_alerts_duplicate_total",
      help: "Alerts JetStream already had (Alertmanager retries and repeat notifications)",
      labelNames,
      registers,
    });
    this.filtered = new Counter({
      name: "vigil_webhook_alerts_filtered_total",
      help: "Alerts dropped by the configured matchers",
      labelNames,
      registers,
    });
    this.failed = new Counter({
      name: "vigil_webhook_alerts_failed_total",
      help: "Alerts JetStream did not accept (the request got a 5xx)",
      labelNames,
      registers,
    });
    this.truncated = new Counter({
      name: "vigil_webhook_alerts_truncated_total",
      help: "Alerts Alertmanager left out of notifications because of the receiver's max_alerts",
      registers,
    });
    this.rejectedRequests = new Counter({
      name: "vigil_webhook_requests_rejected_total",
      help: "Requests refused with a 4xx before any alert was stored (unauthorized, unsupported_media_type, bad_request, ...), by reason",
      labelNames: ["reason"],
      registers,
    });
  }
}

// Notifications to humans: notify_only, escalate and approval requests go to the configured sinks (a generic
// webhook, a Slack-compatible incoming webhook), with retries, and every attempt's outcome is returned so the
// execution record says whether a human was actually reached.
import type { ResourceRef } from "@vigil/contracts";

export type NotificationKind = "notify" | "escalate" | "approval_requested";

export interface Notification {
  kind: NotificationKind;
  /** One line: "payments-api is crash looping: no safe automatic fix". */
  title: string;
  /** The body, plain text (sinks render it their way). */
  text: string;
  urgency: "low" | "high";
  incidentId: string;
  correlationId: string;
  executionId: string;
  alertname: string;
  target: ResourceRef;
  /** Extra facts shown as fields (action, confidence, approve URL...). */
  fields?: Record<string, string>;
}

/** One sink's outcome for one notification. */
export interface NotificationDelivery {
  sink: string;
  type: string;
  delivered: boolean;
  attempts: number;
  /** HTTP status of the last attempt, when there was an answer. */
  status?: number;
  error?: string;
  /** ISO time of the last attempt. */
  at: string;
}

export interface Notifier {
  /** Names of the configured sinks. */
  readonly sinks: readonly string[];
  /**
   * Delivers to the named sinks (all when absent), each with its own retries; never throws for a sink's failure:
   * the deliveries say what happened. Unknown sink names are an error (before anything is sent).
   */
  send(notification: Notification, opts?: { sinks?: readonly string[]; signal?: AbortSignal }): Promise<NotificationDelivery[]>;
}

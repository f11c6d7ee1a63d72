// The generic webhook: the notification as JSON, with a payload version so receivers can evolve safely, and
// the time it was sent. Receivers deduplicate retries with `executionId` + `kind` (a retry re-sends the same body).
import type { Notification } from "./notifier.js";
import type { SinkFormat } from "./sink-format.js";

/** Bumped on any incompatible change of the body; additions keep it. */
export const WEBHOOK_PAYLOAD_VERSION = 1;

export interface WebhookPayload extends Notification {
  version: typeof WEBHOOK_PAYLOAD_VERSION;
  sentAt: string;
}

export const webhookFormat: SinkFormat = {
  type: "webhook",
  render(notification, sentAt): WebhookPayload {
    return { version: WEBHOOK_PAYLOAD_VERSION, sentAt, ...notification };
  },
};

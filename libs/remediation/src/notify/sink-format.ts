// How a sink type renders a notification into its request body: one module per type (webhook-sink.ts,
// slack-sink.ts), so adding a type is one file plus one line in http-notifier.ts.
import type { Notification } from "./notifier.js";

export interface SinkFormat {
  readonly type: string;
  /** The JSON body of the POST. `sentAt` is the ISO time of the first attempt (the same on every retry). */
  render(notification: Notification, sentAt: string): unknown;
}

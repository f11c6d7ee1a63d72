// @vigil/remediation: what the executor does (one module per catalog action), the safety policy that decides
// whether it may, and the notification sinks that reach humans. See README.md.
export * from "./action-implementation.js";
export * from "./consequences.js";
export * from "./kube-ops.js";
export * from "./repair-jobs.js";
export * from "./notify/notifier.js";
export * from "./notify/sink-config.js";
export { createNotifier, NOTIFICATIONS_METRIC, UnknownSinkError, type NotifierOptions } from "./notify/http-notifier.js";
export { DEFAULT_RETRY_TIMING, type RetryTiming } from "./notify/http-delivery.js";
export { WEBHOOK_PAYLOAD_VERSION, type WebhookPayload } from "./notify/webhook-sink.js";
export { slackPayload, type SlackPayload } from "./notify/slack-sink.js";
export * from "./policy/index.js";
export { actionImplementations, implementationOf, unimplementedActions } from "./actions/index.js";

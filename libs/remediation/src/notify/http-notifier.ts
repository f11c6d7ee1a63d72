// The executor's Notifier over HTTP sinks: each notification goes to the named sinks (all when none are named)
// in parallel, each with its own retries, and comes back as one delivery record per sink. Unknown sink names
// are refused before anything is sent, so a typo never reaches only half the audience.
import type { Logger } from "pino";
import { Counter, type Registry } from "prom-client";
import { deliver, DEFAULT_RETRY_TIMING, type RetryTiming } from "./http-delivery.js";
import type { Notification, NotificationDelivery, Notifier } from "./notifier.js";
import type { SinkConfig } from "./sink-config.js";
import type { SinkFormat } from "./sink-format.js";
import { slackFormat } from "./slack-sink.js";
import { webhookFormat } from "./webhook-sink.js";

const FORMATS: Record<SinkConfig["type"], SinkFormat> = { webhook: webhookFormat, slack: slackFormat };

export const NOTIFICATIONS_METRIC = "vigil_executor_notifications_total";

export class UnknownSinkError extends Error {
  override readonly name = "UnknownSinkError";
  constructor(
    readonly unknown: readonly string[],
    readonly configured: readonly string[],
  ) {
    super(
      `unknown notification sink${unknown.length > 1 ? "s" : ""} ${unknown.map((s) => `"${s}"`).join(", ")}: configured sinks are ${
        configured.length ? configured.join(", ") : "none (set EXECUTOR_NOTIFY_SINKS)"
      }`,
    );
  }
}

export interface NotifierOptions {
  log: Logger;
  /** Where `vigil_executor_notifications_total{sink,type,outcome}` is registered. */
  registry?: Registry;
  /** Back-off between attempts (tests shorten it). */
  timing?: Partial<RetryTiming>;
}

function notificationsCounter(registry: Registry): Counter<"sink" | "type" | "outcome"> {
  // Two notifiers on one registry (a restart in-process, tests) share the counter instead of failing to register.
  const existing = registry.getSingleMetric(NOTIFICATIONS_METRIC);
  if (existing) return existing as Counter<"sink" | "type" | "outcome">;
  return new Counter({
    name: NOTIFICATIONS_METRIC,
    help: "Notifications the executor sent, per sink and outcome (delivered, or failed after its retries)",
    labelNames: ["sink", "type", "outcome"],
    registers: [registry],
  });
}

export function createNotifier(configs: readonly SinkConfig[], opts: NotifierOptions): Notifier {
  const byName = new Map(configs.map((c) => [c.name, c]));
  if (byName.size !== configs.length) throw new Error("notification sink names must be unique");
  const timing: RetryTiming = { ...DEFAULT_RETRY_TIMING, ...opts.timing };
  const counter = opts.registry ? notificationsCounter(opts.registry) : undefined;
  const sinks = configs.map((c) => c.name);

  return {
    sinks,
    async send(notification: Notification, o = {}): Promise<NotificationDelivery[]> {
      const names = o.sinks ?? sinks;
      const unknown = names.filter((n) => !byName.has(n));
      if (unknown.length) throw new UnknownSinkError(unknown, sinks);
      const sentAt = new Date().toISOString();
      const targets = [...new Set(names)].map((n) => byName.get(n)!);
      return Promise.all(
        targets.map(async (config) => {
          const payload = FORMATS[config.type].render(notification, sentAt);
          const delivery = await deliver(config, payload, { timing, ...(o.signal ? { signal: o.signal } : {}) });
          counter?.inc({ sink: config.name, type: config.type, outcome: delivery.delivered ? "delivered" : "failed" });
          const fields = { sink: config.name, kind: notification.kind, executionId: notification.executionId, attempts: delivery.attempts };
          if (delivery.delivered) opts.log.info(fields, "notification delivered");
          else opts.log.warn({ ...fields, status: delivery.status, error: delivery.error }, "notification not delivered");
          return delivery;
        }),
      );
    },
  };
}

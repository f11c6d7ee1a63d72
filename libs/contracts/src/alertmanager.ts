import { z } from "zod";
import { alertStatus } from "./alert.js";
import { labelMap, timestamp } from "./message.js";

/** One alert as Alertmanager's webhook (payload version "4") sends it. */
export const alertmanagerAlert = z.object({
  status: alertStatus,
  labels: labelMap,
  annotations: labelMap.default({}),
  startsAt: timestamp,
  endsAt: timestamp.optional(),
  generatorURL: z.string().optional(),
  fingerprint: z.string().min(1).optional(),
});
export type AlertmanagerAlert = z.infer<typeof alertmanagerAlert>;

/** The Alertmanager webhook payload, https://prometheus.io/docs/alerting/latest/configuration/#webhook_config */
export const alertmanagerWebhook = z.object({
  version: z.string(),
  groupKey: z.string(),
  truncatedAlerts: z.number().int().nonnegative().default(0),
  status: alertStatus,
  receiver: z.string(),
  groupLabels: labelMap.default({}),
  commonLabels: labelMap.default({}),
  commonAnnotations: labelMap.default({}),
  externalURL: z.string().default(""),
  alerts: z.array(alertmanagerAlert),
});
export type AlertmanagerWebhook = z.infer<typeof alertmanagerWebhook>;

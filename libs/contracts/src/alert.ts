import { z } from "zod";
import { labelMap, messageBase, resourceRef, timestamp } from "./message.js";

export const alertStatus = z.enum(["firing", "resolved"]);
export type AlertStatus = z.infer<typeof alertStatus>;

/** A normalized Alertmanager alert, published on `vigil.alerts.firing` / `vigil.alerts.resolved`. */
export const alertMessage = messageBase.extend({
  fingerprint: z.string().min(1),
  status: alertStatus,
  alertname: z.string().min(1),
  severity: z.string().min(1),
  /** `namespace` label, else `exported_namespace`; absent for cluster-scoped alerts. */
  namespace: z.string().min(1).optional(),
  /** The Kubernetes object the alert is about, resolved from well-known labels; absent when none is named. */
  target: resourceRef.optional(),
  /** annotations.summary, else annotations.description, else "<alertname> is <status>". */
  summary: z.string(),
  labels: labelMap,
  annotations: labelMap,
  startsAt: timestamp,
  /** Absent while firing with no end (Alertmanager's zero time). */
  endsAt: timestamp.optional(),
  generatorURL: z.string().optional(),
  receiver: z.string(),
  groupKey: z.string(),
  externalURL: z.string().optional(),
  receivedAt: timestamp,
});
export type AlertMessage = z.infer<typeof alertMessage>;

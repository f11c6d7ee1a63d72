// An incident is the analyzer's grouping of alerts: one per owning workload or node within a window,
// across alert names. Its state lives in KV (`kvBuckets.incidents`); each change is published on
// `vigil.incidents.<event>` for the CLI and a console.
import { z } from "zod";
import { findingSeverity } from "./diagnosis.js";
import { messageId, resourceKey, resourceRef, timestamp } from "./message.js";
import { pipelineBase } from "./pipeline.js";

export const incidentStatus = z.enum(["open", "resolved"]);
export type IncidentStatus = z.infer<typeof incidentStatus>;

export const incidentEvent = z.enum(["opened", "updated", "resolved"]);
export type IncidentEvent = z.infer<typeof incidentEvent>;

export const incidentAlert = z.object({
  alertname: z.string().min(1),
  fingerprint: z.string().min(1),
  status: z.enum(["firing", "resolved"]),
  firstSeenAt: timestamp,
  lastSeenAt: timestamp,
  /** Id of the alert message last grouped under this fingerprint, so diagnoses can list every alert of the incident. */
  lastAlertId: messageId.optional(),
});
export type IncidentAlert = z.infer<typeof incidentAlert>;

/** An incident as stored and as published. */
export const incidentState = z
  .object({
    incidentId: messageId,
    owner: resourceRef,
    /** Distinct alerts (by fingerprint) grouped into it. */
    alerts: z.array(incidentAlert).min(1),
    /** Alert deliveries grouped into it, repeats included. */
    occurrences: z.number().int().positive(),
    severity: findingSeverity,
    status: incidentStatus,
    summary: z.string().default(""),
    openedAt: timestamp,
    updatedAt: timestamp,
    resolvedAt: timestamp.optional(),
    latestDiagnosisId: messageId.optional(),
  })
  .superRefine((s, ctx) => {
    if ((s.status === "resolved") !== (s.resolvedAt !== undefined)) {
      ctx.addIssue({
        code: "custom",
        path: ["resolvedAt"],
        message: s.status === "resolved" ? "a resolved incident has resolvedAt" : "an open incident has no resolvedAt",
      });
    }
    if (s.occurrences < s.alerts.length)
      ctx.addIssue({ code: "custom", path: ["occurrences"], message: "cannot be fewer than the distinct alerts" });
  });
export type IncidentState = z.infer<typeof incidentState>;

/** `vigil.incidents.opened|updated|resolved`: the incident after a change; causationId is the alert that caused it. */
export const incidentMessage = pipelineBase.extend({ event: incidentEvent, incident: incidentState }).superRefine((m, ctx) => {
  if (m.incident.incidentId !== m.incidentId)
    ctx.addIssue({ code: "custom", path: ["incident", "incidentId"], message: "must equal incidentId" });
  if (resourceKey(m.incident.owner) !== resourceKey(m.owner))
    ctx.addIssue({ code: "custom", path: ["incident", "owner"], message: "must equal owner" });
  if ((m.event === "resolved") !== (m.incident.status === "resolved")) {
    ctx.addIssue({
      code: "custom",
      path: ["incident", "status"],
      message: `a ${m.event} event carries a ${m.event === "resolved" ? "resolved" : "open"} incident`,
    });
  }
});
export type IncidentMessage = z.infer<typeof incidentMessage>;

// The base of every decision-pipeline message (diagnosis, proposal, execution, approval, assessment,
// incident). Each one names the incident, the alert and the owner it concerns, and the message it was
// caused by, so any record can be traced back to its alert and forward to its assessment.
import { z } from "zod";
import { messageBase, messageId, resourceRef, type ResourceRef } from "./message.js";

/** Bumped when a pipeline message changes incompatibly; consumers reject versions they do not know. */
export const pipelineSchemaVersion = 2 as const;

export const pipelineBase = messageBase.extend({
  schemaVersion: z.literal(pipelineSchemaVersion),
  /** The analyzer's grouping: one incident per owning workload or node per window, across alert names. */
  incidentId: messageId,
  /** The alert that started this chain (an incident groups several; this is the one that caused it). */
  alertname: z.string().min(1),
  fingerprint: z.string().min(1),
  /** The owning workload or node the incident concerns (a Deployment, not one of its pods). */
  owner: resourceRef,
  /** Id of the message this one derives from: alert → diagnosis → proposal → execution → assessment. */
  causationId: messageId,
});
export type PipelineBase = z.infer<typeof pipelineBase>;

/** What a child inherits; `derive` fills the rest. */
type PipelineParent = Pick<PipelineBase, "id" | "correlationId" | "incidentId" | "alertname" | "fingerprint" | "owner">;

/**
 * The base fields of a message derived from `parent`: same correlation, incident, alert and owner, caused
 * by the parent. Services spread it into the new message instead of copying fields by hand:
 * `{ ...derive(diagnosis, { id }), kind: "action", ... }`.
 */
export function derive(parent: PipelineParent, child: { id: string }): PipelineBase {
  return {
    id: child.id,
    correlationId: parent.correlationId,
    schemaVersion: pipelineSchemaVersion,
    incidentId: parent.incidentId,
    alertname: parent.alertname,
    fingerprint: parent.fingerprint,
    owner: { ...parent.owner },
    causationId: parent.id,
  };
}

/** The alert fields the first pipeline message of a chain (diagnosis, incident event) starts from. */
export interface AlertOrigin {
  id: string;
  correlationId: string;
  alertname: string;
  fingerprint: string;
}

/** The base fields of a message caused directly by an alert: the analyzer adds the incident and owner it grouped it into. */
export function deriveFromAlert(alert: AlertOrigin, child: { id: string; incidentId: string; owner: ResourceRef }): PipelineBase {
  return derive({ ...alert, incidentId: child.incidentId, owner: child.owner }, { id: child.id });
}

// Schemas of the analyzer API: incidents (`GET /api/v1/incidents`, `GET /api/v1/incidents/{id}`). An incident is
// the analyzer's grouping of alerts about one owning workload or node (incident.ts); each comes with its latest
// diagnosis when the analyzer still knows it (it remembers a bounded number, see the analyzer's README): in short
// in the list (a page of 50 whole diagnoses with their evidence would weigh megabytes), whole in the detail.
import { z } from "zod";
import { catalogActionName } from "../catalog/index.js";
import { type DiagnosisMessage, diagnosisMessage, diagnosisOutcome, findingSeverity } from "../diagnosis.js";
import { findingCode } from "../finding-codes.js";
import { incidentState, incidentStatus } from "../incident.js";
import { messageId, resourceRef, timestamp } from "../message.js";

export const incidentListQuery = z.object({
  /** Only open, or only resolved, incidents; both when absent. */
  status: incidentStatus.optional(),
  /** At most this many, newest update first. */
  limit: z.coerce.number().int().min(1).max(1000).default(50),
});
export type IncidentListQuery = z.infer<typeof incidentListQuery>;

/** A diagnosis as a list shows it: its conclusion and findings without their evidence (the detail has everything). */
export const diagnosisDigest = z.object({
  id: messageId,
  outcome: diagnosisOutcome,
  severity: findingSeverity,
  summary: z.string(),
  findings: z.array(z.object({ code: findingCode, severity: findingSeverity, resource: resourceRef, summary: z.string() })),
  candidateActions: z.array(catalogActionName),
  analyzedAt: timestamp,
});
export type DiagnosisDigest = z.infer<typeof diagnosisDigest>;

export const incidentListItem = z.object({
  /** The incident: owner, its alerts (by fingerprint, with status), occurrences, severity, status and times. */
  incident: incidentState,
  /** Its latest diagnosis (`incident.latestDiagnosisId`) in short, when known. */
  diagnosis: diagnosisDigest.optional(),
});
export type IncidentListItem = z.infer<typeof incidentListItem>;

export const incidentListResponse = z.object({
  /** Open incidents and those resolved recently, newest update first. */
  incidents: z.array(incidentListItem),
  /** How many are in `incidents` (at most `limit`). */
  count: z.number().int().nonnegative(),
});
export type IncidentListResponse = z.infer<typeof incidentListResponse>;

export const incidentDetailResponse = z.object({
  incident: incidentState,
  /** Its latest diagnosis, whole (evidence, hypotheses, context), when known. */
  diagnosis: diagnosisMessage.optional(),
});
export type IncidentDetailResponse = z.infer<typeof incidentDetailResponse>;

/** The digest of a diagnosis, for lists. */
export function digestOf(d: DiagnosisMessage): DiagnosisDigest {
  return {
    id: d.id,
    outcome: d.outcome,
    severity: d.severity,
    summary: d.summary,
    findings: d.findings.map((f) => ({ code: f.code, severity: f.severity, resource: f.resource, summary: f.summary })),
    candidateActions: d.candidateActions,
    analyzedAt: d.analyzedAt,
  };
}

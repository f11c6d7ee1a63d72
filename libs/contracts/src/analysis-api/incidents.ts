// Schemas of the analyzer API: incidents (`GET /api/v1/incidents`, `GET /api/v1/incidents/{id}`). An incident is
// the analyzer's grouping of alerts about one owning workload or node (incident.ts); each comes with its latest
// diagnosis when the analyzer still knows it (it remembers a bounded number, see the analyzer's README).
import { z } from "zod";
import { diagnosisMessage } from "../diagnosis.js";
import { incidentState, incidentStatus } from "../incident.js";

export const incidentListQuery = z.object({
  /** Only open, or only resolved, incidents; both when absent. */
  status: incidentStatus.optional(),
  /** At most this many, newest update first. */
  limit: z.coerce.number().int().min(1).max(1000).default(50),
});
export type IncidentListQuery = z.infer<typeof incidentListQuery>;

export const incidentWithDiagnosis = z.object({
  /** The incident: owner, its alerts (by fingerprint, with status), occurrences, severity, status and times. */
  incident: incidentState,
  /** Its latest diagnosis (`incident.latestDiagnosisId`), when known. */
  diagnosis: diagnosisMessage.optional(),
});
export type IncidentWithDiagnosisView = z.infer<typeof incidentWithDiagnosis>;

export const incidentListResponse = z.object({
  /** Open incidents and those resolved recently, newest update first. */
  incidents: z.array(incidentWithDiagnosis),
  /** How many are in `incidents` (at most `limit`). */
  count: z.number().int().nonnegative(),
});
export type IncidentListResponse = z.infer<typeof incidentListResponse>;

export const incidentDetailResponse = incidentWithDiagnosis;
export type IncidentDetailResponse = z.infer<typeof incidentDetailResponse>;

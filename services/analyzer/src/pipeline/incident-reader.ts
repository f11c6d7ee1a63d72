// Read access to incidents for the REST API (`/api/v1/incidents`): the pipeline's incident store implements it.
import type { DiagnosisMessage, IncidentState } from "@vigil/contracts";

export interface IncidentWithDiagnosis {
  incident: IncidentState;
  /** The latest diagnosis of the incident, when one was made and is still known. */
  diagnosis?: DiagnosisMessage;
}

export interface IncidentReader {
  /** Open incidents and those resolved within the retention window, newest update first. */
  list(filter: { status?: "open" | "resolved"; limit: number }): Promise<IncidentWithDiagnosis[]>;
  get(incidentId: string): Promise<IncidentWithDiagnosis | undefined>;
}

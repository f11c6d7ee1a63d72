// What the pipeline needs from @vigil/analysis, as one seam: where an alert points (its owner, and whether its
// target exists), whether it means trouble at all, and the diagnosis. The service binds it to the library
// (service.ts); the pipeline only orders the steps, groups and publishes.
import type { AnalysisContext } from "@vigil/analysis";
import type { AlertMessage, DiagnosisMessage, ResourceRef } from "@vigil/contracts";

export interface AlertResolution {
  /** What the incident is about: the owning workload or node (or the target itself, the namespace, the cluster). */
  owner: ResourceRef;
  /** False only when the alert names an object the cluster does not have. */
  exists: boolean;
}

export interface DiagnosisRequest<R extends AlertResolution> {
  alert: AlertMessage;
  /** The diagnosis message id (deterministic from the alert id). */
  id: string;
  incidentId: string;
  /** The owner the incident is about. */
  owner: ResourceRef;
  /** Alert ids grouped into the incident that the analyzer knows; includes `alert.id`. */
  alertIds: string[];
  occurrences: number;
  resolution: R;
  ctx: AnalysisContext;
  /** performance.now() when the alert was received: the diagnosis reports its duration from there. */
  startedAt: number;
}

export interface AlertAnalysis<R extends AlertResolution = AlertResolution> {
  /** Why an alert means no trouble (Watchdog...), or undefined. */
  noTroubleReason(alertname: string): string | undefined;
  resolve(alert: AlertMessage, ctx: AnalysisContext): Promise<R>;
  diagnose(request: DiagnosisRequest<R>): Promise<DiagnosisMessage> | DiagnosisMessage;
}

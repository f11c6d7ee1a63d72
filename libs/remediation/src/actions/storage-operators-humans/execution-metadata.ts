// Labels and annotations that tie an object Vigil creates (a VolumeSnapshot, a repair Job) to its execution, so
// `kubectl get -l vigil.dev/execution-id=…` finds it and a human reading it knows why it exists. Ids are kept
// exactly in annotations; labels carry them only as far as label values allow (63 characters, alphanumeric ends).
import type { ExecutionInfo } from "../../action-implementation.js";

export const EXECUTION_ID_LABEL = "vigil.dev/execution-id";
export const INCIDENT_ID_LABEL = "vigil.dev/incident-id";
export const MANAGED_BY = { "app.kubernetes.io/managed-by": "vigil" } as const;

/** The closest valid label value: characters outside the set become `_`, the ends are trimmed to alphanumerics. */
export function labelValue(s: string): string {
  return s
    .replace(/[^A-Za-z0-9._-]/g, "_")
    .slice(0, 63)
    .replace(/^[^A-Za-z0-9]+/, "")
    .replace(/[^A-Za-z0-9]+$/, "");
}

export function executionLabels(execution: ExecutionInfo): Record<string, string> {
  return { ...MANAGED_BY, [EXECUTION_ID_LABEL]: labelValue(execution.executionId), [INCIDENT_ID_LABEL]: labelValue(execution.incidentId) };
}

export function executionAnnotations(execution: ExecutionInfo): Record<string, string> {
  return {
    [EXECUTION_ID_LABEL]: execution.executionId,
    [INCIDENT_ID_LABEL]: execution.incidentId,
    "vigil.dev/correlation-id": execution.correlationId,
    "vigil.dev/alertname": execution.alertname,
  };
}

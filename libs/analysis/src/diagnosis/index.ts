// The diagnosis builder: from an alert and cluster state to a DiagnosisMessage. See README.md ("Diagnosis").
export { diagnose, RELATED_RESOURCES_MAX, type DiagnoseInput, type DiagnosisIncident } from "./diagnose.js";
export { resolveTarget, CLUSTER_REF, type AlertSubject, type ResolvedTarget, type ResolveOptions } from "./resolve-target.js";
export { buildScope, podTrouble, defaultScopeLimits, type IncidentScope, type ScopeLimits } from "./scope.js";
export { NO_TROUBLE_ALERTS, noTroubleReason } from "./no-trouble-alerts.js";
export { orderFindings, specificity, maxSeverity } from "./finding-order.js";
export { numberEvidence, evidenceKey } from "./evidence-ids.js";
export { buildHypotheses, SUPPORTED_CONFIDENCE } from "./hypotheses.js";

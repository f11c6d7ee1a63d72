// @vigil/assessment: did an executed action work? The components, the score, the aggregates and the
// earned-autonomy ledger; the effectiveness service (port 8084) wires them to NATS and PostgreSQL.
export * from "./assessment-context.js";
export * from "./component-definition.js";
export * from "./target-snapshot.js";
export * from "./owner-scope.js";
export * from "./scoring.js";
export * from "./timing.js";
export * from "./immediate.js";
export * from "./aggregates.js";
export * from "./autonomy-ledger.js";
export { assess, snapshotOf, type AssessmentSources, type AssessmentResult } from "./assess.js";
export { assessmentComponents, componentNamed } from "./components/index.js";
export { observeTarget } from "./observe-target.js";
export { AlertHistory, type AlertEpisode } from "./alert-history.js";
export { alertmanagerV2, AlertmanagerV2, type AlertmanagerV2Options } from "./alertmanager-v2.js";
export { newAlertsForOwner } from "./new-alerts.js";

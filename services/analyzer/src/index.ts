export { analyzerService } from "./service.js";
export { ALERTS_DURABLE } from "./pipeline/alert-pipeline.js";
export { alertSeverity, diagnosisIdFor, incidentEventIdFor, incidentIdFor } from "./pipeline/incident-grouping.js";
export { apiRoutes } from "./api/routes/index.js";
export { ANALYZER_CACHED_KINDS } from "./cached-kinds.js";

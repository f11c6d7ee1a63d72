export { investigatorService } from "./service.js";
export { DIAGNOSES_DURABLE, proposalIdFor } from "./pipeline/diagnosis-pipeline.js";
export { CALIBRATION_DURABLE } from "./pipeline/calibration-feed.js";
export { investigatorConfigShape, type InvestigatorConfig } from "./config.js";

export { collectorService } from "./service.js";
export { collectorConfigShape, type CollectorConfig } from "./config.js";

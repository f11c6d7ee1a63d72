export { collectorService } from "./service.js";
export { collectorConfigShape, type CollectorConfig } from "./config.js";
export { TimeRing, type RingEntry } from "./time-ring.js";

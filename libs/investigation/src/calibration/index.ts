export { calibrationReport } from "./report.js";
export { calibrationStatsOf, observedSuccess, type CalibrationRecord } from "./stats.js";
export { thresholdFor, thresholdFromStats, calibratedThresholds } from "./threshold.js";
export { CalibrationStore, type CalibrationKv } from "./calibration-store.js";
export type { CalibrationPolicy, CalibrationReport, CalibratedThreshold } from "@vigil/contracts";

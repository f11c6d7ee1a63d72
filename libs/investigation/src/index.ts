// @vigil/investigation: deciding what to do about a diagnosis. The deterministic rules engine (rules/), the
// bounded LLM agent (agent/), prompt safety (safety/: masking, screening) and calibrated confidence
// (calibration/). See README.md.
export * from "./decision.js";
export * from "./rules/index.js";
export * from "./agent/index.js";
export * from "./safety/index.js";
export * from "./calibration/index.js";
export * from "./investigate.js";

// @vigil/effectiveness: the service definition (for tests and the one-command stack) and the names other code relies on.
export { effectivenessService } from "./service.js";
export { effectivenessConfigShape, type EffectivenessConfig } from "./config.js";
export { EXECUTIONS_DURABLE, ASSESS_DURABLE } from "./pipeline/consumers.js";
export { assessTask, assessTaskId } from "./pipeline/assess-task.js";
export { assessmentIdOf } from "./pipeline/assessment-message.js";

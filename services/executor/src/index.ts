// @vigil/executor: the service definition (for tests and the one-command stack) and the names other code relies on.
export { executorService } from "./service.js";
export { executorConfigShape, type ExecutorConfig } from "./config.js";
export { PROPOSALS_DURABLE, executionIdFor, asActionProposal } from "./pipeline/proposal-handler.js";
export { APPROVALS_DURABLE } from "./pipeline/consumers.js";

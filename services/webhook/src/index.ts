export { webhookService } from "./service.js";
export { normalizeAlert, alertMessageId, incidentId } from "./normalize.js";
export { resolveTarget, resolveNamespace } from "./target.js";
export { alertFingerprint } from "./fingerprint.js";
export * from "./matchers.js";

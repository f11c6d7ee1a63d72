// The executor's safety policy: the policy file, its checks, and the engine that decides.
export * from "./policy-check.js";
export * from "./policy-file.js";
export * from "./engine.js";
export { policyChecks } from "./checks/index.js";
export { globMatches } from "./glob.js";
export { ownsPath, ownersOf, dottedPath, type OwnedField } from "./field-ownership.js";
export { targetNamespace } from "./target-namespace.js";

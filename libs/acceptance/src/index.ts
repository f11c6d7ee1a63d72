// @vigil/acceptance: what Vigil must conclude for every simulator scenario — the alert Prometheus would send
// for its symptom and the diagnosis a correct analysis gives. The analyzer's tests (direct and over NATS)
// run it; later stages of the loop add their expectations here. Test-only: no service depends on it.
export * from "./scenario-alerts.js";
export * from "./scenario-expectations.js";

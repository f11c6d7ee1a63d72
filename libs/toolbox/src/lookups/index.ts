// The JetStream-backed lookups a ToolContext reads: incidents, diagnoses, action history, effectiveness.
export { startBusLookups, type BusLookups, type BusLookupsOptions } from "./bus-lookups.js";
export { ActionMemory } from "./action-memory.js";
export { kvIncidentLookup } from "./incident-lookup.js";
export { kvEffectivenessHistory } from "./effectiveness-lookup.js";

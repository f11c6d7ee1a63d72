// Incidents by id, read from KV `vigil_incidents` where the analyzer keeps them (one read per call: the
// investigator looks up one incident per investigation, so no mirror of the whole bucket is worth keeping).
import type { TypedKv } from "@vigil/bus";
import type { IncidentState, kvBuckets } from "@vigil/contracts";
import type { IncidentLookup } from "../tool-context.js";

export function kvIncidentLookup(kv: TypedKv<typeof kvBuckets.incidents>): IncidentLookup {
  return {
    async get(incidentId: string): Promise<IncidentState | undefined> {
      if (!incidentId) return undefined;
      return (await kv.get(kv.key("id", incidentId)))?.value;
    },
  };
}

import { z } from "zod";
import { defineAction } from "../action-definition.js";
import { wholeNumber } from "../fields.js";
import { rule } from "../rbac.js";

export const migrateWorkload = defineAction({
  name: "migrate_workload",
  title: "Move a pod off its node",
  description:
    "Evicts one pod through the eviction API (PDBs honoured) so its controller reschedules it elsewhere. Refused for a pod no controller would recreate.",
  risk: "medium",
  targetKinds: ["Pod"],
  parameters: z.strictObject({ gracePeriodSeconds: wholeNumber(0, 3600).optional() }),
  reversible: false,
  requiresApproval: false,
  rbac: [rule("", "pods", ["get", "list"]), rule("", "pods/eviction", ["create"]), rule("policy", "poddisruptionbudgets", ["list"])],
  examples: {
    valid: [{}, { gracePeriodSeconds: 60 }],
    invalid: [
      { parameters: { gracePeriodSeconds: -1 }, field: "gracePeriodSeconds" },
      { parameters: { targetNode: "worker-2" }, field: "targetNode" },
    ],
  },
});

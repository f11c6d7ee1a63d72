import { z } from "zod";
import { defineAction } from "../action-definition.js";
import { dnsLabel, envVarName, expecting } from "../fields.js";
import { rule } from "../rbac.js";

export const runRepairJob = defineAction({
  name: "run_repair_job",
  title: "Run a configured repair Job",
  description:
    "Creates a Job from a Job template the operator configured for the executor (database failover, consistency repair...), with optional environment values. Refused when no template has that name.",
  risk: "high",
  targetKinds: ["StatefulSet", "Deployment", "Pod", "PersistentVolumeClaim"],
  parameters: z.strictObject({
    template: dnsLabel(),
    env: z
      .record(envVarName(), z.string(expecting("text")).max(1024, "must be at most 1024 characters"))
      .refine((m) => Object.keys(m).length <= 20, "at most 20 variables")
      .default({}),
  }),
  reversible: false,
  requiresApproval: true,
  rbac: [rule("batch", "jobs", ["get", "create"])],
  examples: {
    valid: [{ template: "pg-failover" }, { template: "pg-repair", env: { TABLE: "orders" } }],
    invalid: [
      { parameters: {}, field: "template" },
      { parameters: { template: "pg-repair", env: { TABLE: 1 } }, field: "env.TABLE" },
    ],
  },
});

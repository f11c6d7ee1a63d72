import { defineAction, noParameters } from "../action-definition.js";
import { rule } from "../rbac.js";

export const suspendCronjob = defineAction({
  name: "suspend_cronjob",
  title: "Suspend a CronJob",
  description: "Sets spec.suspend so no new Job starts; running Jobs finish.",
  risk: "low",
  targetKinds: ["CronJob"],
  parameters: noParameters(),
  reversible: true,
  requiresApproval: false,
  rbac: [rule("batch", "cronjobs", ["get", "patch"])],
  examples: { valid: [{}], invalid: [{ parameters: { suspend: false }, field: "suspend" }] },
});

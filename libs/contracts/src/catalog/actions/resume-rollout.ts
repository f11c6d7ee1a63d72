import { defineAction, noParameters } from "../action-definition.js";
import { rule } from "../rbac.js";

export const resumeRollout = defineAction({
  name: "resume_rollout",
  title: "Resume a Deployment's rollout",
  description: "Clears spec.paused so a paused rollout continues.",
  risk: "low",
  targetKinds: ["Deployment"],
  parameters: noParameters(),
  reversible: true,
  requiresApproval: false,
  rbac: [rule("apps", "deployments", ["get", "patch"])],
  examples: { valid: [{}], invalid: [{ parameters: { paused: false }, field: "paused" }] },
});

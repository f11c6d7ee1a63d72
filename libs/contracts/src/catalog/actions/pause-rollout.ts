import { defineAction, noParameters } from "../action-definition.js";
import { rule } from "../rbac.js";

export const pauseRollout = defineAction({
  name: "pause_rollout",
  title: "Pause a Deployment's rollout",
  description: "Sets spec.paused so a failing rollout stops replacing healthy pods.",
  risk: "low",
  targetKinds: ["Deployment"],
  parameters: noParameters(),
  reversible: true,
  requiresApproval: false,
  rbac: [rule("apps", "deployments", ["get", "patch"])],
  examples: { valid: [{}], invalid: [{ parameters: { paused: true }, field: "paused" }] },
});

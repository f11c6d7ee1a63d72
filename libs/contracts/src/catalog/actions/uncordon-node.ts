import { defineAction, noParameters } from "../action-definition.js";
import { rule } from "../rbac.js";

export const uncordonNode = defineAction({
  name: "uncordon_node",
  title: "Uncordon a node",
  description: "Clears spec.unschedulable so the node takes new pods again.",
  risk: "low",
  targetKinds: ["Node"],
  parameters: noParameters(),
  reversible: true,
  requiresApproval: false,
  rbac: [rule("", "nodes", ["get", "patch"])],
  examples: { valid: [{}], invalid: [{ parameters: { node: "worker-1" }, field: "node" }] },
});

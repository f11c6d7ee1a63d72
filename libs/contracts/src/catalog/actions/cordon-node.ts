import { defineAction, noParameters } from "../action-definition.js";
import { rule } from "../rbac.js";

export const cordonNode = defineAction({
  name: "cordon_node",
  title: "Cordon a node",
  description:
    "Sets spec.unschedulable so no new pod lands on the node; running pods stay. Counted against the policy's limit of nodes cordoned at once.",
  risk: "medium",
  targetKinds: ["Node"],
  parameters: noParameters(),
  reversible: true,
  requiresApproval: false,
  rbac: [rule("", "nodes", ["get", "patch"])],
  examples: { valid: [{}], invalid: [{ parameters: { drain: true }, field: "drain" }] },
});

import { defineAction, noParameters } from "../action-definition.js";
import { rule } from "../rbac.js";

export const restartDaemonset = defineAction({
  name: "restart_daemonset",
  title: "Restart a DaemonSet",
  description: "Rolling restart of a DaemonSet (restartedAt annotation on its pod template), one node at a time per its update strategy.",
  risk: "medium",
  targetKinds: ["DaemonSet"],
  parameters: noParameters(),
  reversible: false,
  requiresApproval: false,
  rbac: [rule("apps", "daemonsets", ["get", "patch"])],
  examples: { valid: [{}], invalid: [{ parameters: { maxUnavailable: 2 }, field: "maxUnavailable" }] },
});

import { defineAction, noParameters } from "../action-definition.js";
import { rule } from "../rbac.js";

export const rolloutRestart = defineAction({
  name: "rollout_restart",
  title: "Rolling restart of a workload",
  description:
    "Sets the restartedAt annotation on the pod template, as `kubectl rollout restart` does, so pods are replaced at the workload's own pace.",
  risk: "low",
  targetKinds: ["Deployment", "StatefulSet", "DaemonSet"],
  parameters: noParameters(),
  reversible: false,
  requiresApproval: false,
  rbac: [rule("apps", ["deployments", "statefulsets", "daemonsets"], ["get", "patch"])],
  examples: { valid: [{}], invalid: [{ parameters: { force: true }, field: "force" }] },
});

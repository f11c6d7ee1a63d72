import { z } from "zod";
import { defineAction } from "../action-definition.js";
import { oneOf } from "../fields.js";
import { rule } from "../rbac.js";

export const restartNetwork = defineAction({
  name: "restart_network",
  title: "Restart cluster networking",
  description:
    "Rolling restart of the CNI, DNS or kube-proxy workload in kube-system (the target). Always needs approval: it touches every node's networking and is the one action allowed inside kube-system.",
  risk: "high",
  targetKinds: ["DaemonSet", "Deployment"],
  parameters: z.strictObject({ component: oneOf(["cni", "dns", "kube_proxy"]) }),
  reversible: false,
  requiresApproval: true,
  rbac: [rule("apps", ["daemonsets", "deployments"], ["get", "patch"])],
  examples: {
    valid: [{ component: "dns" }],
    invalid: [
      { parameters: { component: "istio" }, field: "component" },
      { parameters: {}, field: "component" },
    ],
  },
});

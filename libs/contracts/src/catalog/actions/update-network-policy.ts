import { z } from "zod";
import { defineAction } from "../action-definition.js";
import { cidr, labelSelector, oneOf, wholeNumber } from "../fields.js";
import { rule } from "../rbac.js";

const port = z.strictObject({ port: wholeNumber(1, 65535), protocol: oneOf(["TCP", "UDP", "SCTP"]).default("TCP") });
const peer = z
  .strictObject({ podSelector: labelSelector().optional(), namespaceSelector: labelSelector().optional(), cidr: cidr().optional() })
  .superRefine((p, ctx) => {
    if (!p.podSelector && !p.namespaceSelector && !p.cidr)
      ctx.addIssue({ code: "custom", message: "name a podSelector, a namespaceSelector or a cidr" });
    if (p.cidr && (p.podSelector || p.namespaceSelector))
      ctx.addIssue({ code: "custom", path: ["cidr"], message: "a cidr peer cannot also have selectors" });
  });

export const updateNetworkPolicy = defineAction({
  name: "update_network_policy",
  title: "Add or remove a NetworkPolicy rule",
  description:
    "Adds one ingress or egress rule to a NetworkPolicy, or removes an identical one, with a JSON patch guarded by the policy's resourceVersion.",
  risk: "high",
  targetKinds: ["NetworkPolicy"],
  parameters: z.strictObject({
    direction: oneOf(["ingress", "egress"]),
    operation: oneOf(["add_rule", "remove_rule"]),
    ports: z.array(port).max(20, "at most 20 ports").default([]),
    peers: z.array(peer).max(20, "at most 20 peers").default([]),
  }),
  reversible: true,
  requiresApproval: true,
  rbac: [rule("networking.k8s.io", "networkpolicies", ["get", "patch"])],
  examples: {
    valid: [
      { direction: "egress", operation: "add_rule", ports: [{ port: 5432 }], peers: [{ podSelector: { app: "db" } }] },
      { direction: "ingress", operation: "remove_rule", peers: [{ cidr: "10.0.0.0/8" }] },
    ],
    invalid: [
      { parameters: { direction: "sideways", operation: "add_rule" }, field: "direction" },
      { parameters: { direction: "egress", operation: "add_rule", ports: [{ port: 70000 }] }, field: "ports[0].port" },
      { parameters: { direction: "egress", operation: "add_rule", peers: [{ cidr: "10.0.0.0/33" }] }, field: "peers[0].cidr" },
      { parameters: { direction: "egress", operation: "add_rule", peers: [{ podSelector: {} }] }, field: "peers[0].podSelector" },
    ],
  },
});

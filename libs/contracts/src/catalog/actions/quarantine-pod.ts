import { z } from "zod";
import { defineAction } from "../action-definition.js";
import { flag } from "../fields.js";
import { rule } from "../rbac.js";

export const quarantinePod = defineAction({
  name: "quarantine_pod",
  title: "Quarantine a pod",
  description:
    "Relabels the pod so it leaves its Service's endpoints and its ReplicaSet (which starts a replacement), and isolates it with a deny-all NetworkPolicy, keeping it running for forensics.",
  risk: "high",
  targetKinds: ["Pod"],
  parameters: z.strictObject({ allowDnsEgress: flag().default(false) }),
  reversible: true,
  requiresApproval: true,
  rbac: [
    rule("", "pods", ["get", "patch"]),
    rule("", "services", ["list"]),
    rule("apps", "replicasets", ["get"]),
    rule("networking.k8s.io", "networkpolicies", ["get", "list", "create", "delete"]),
  ],
  examples: {
    valid: [{}, { allowDnsEgress: true }],
    invalid: [{ parameters: { allowDnsEgress: 1 }, field: "allowDnsEgress" }],
  },
});

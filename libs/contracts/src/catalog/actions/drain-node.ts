import { z } from "zod";
import { defineAction } from "../action-definition.js";
import { flag, wholeNumber } from "../fields.js";
import { rule } from "../rbac.js";

export const drainNode = defineAction({
  name: "drain_node",
  title: "Drain a node",
  description:
    "Cordons the node, then evicts its pods through the eviction API so PodDisruptionBudgets are honoured; DaemonSet and mirror pods are skipped. Gives up after timeoutSeconds and reports the pods left.",
  risk: "high",
  targetKinds: ["Node"],
  parameters: z.strictObject({
    timeoutSeconds: wholeNumber(30, 3600).default(300),
    gracePeriodSeconds: wholeNumber(0, 3600).optional(),
    /** Pods with emptyDir volumes lose that data when evicted; off unless asked for. */
    deleteEmptyDirData: flag().default(false),
  }),
  reversible: false,
  requiresApproval: true,
  rbac: [
    rule("", "nodes", ["get", "patch"]),
    rule("", "pods", ["list"]),
    rule("", "pods/eviction", ["create"]),
    rule("policy", "poddisruptionbudgets", ["list"]),
  ],
  examples: {
    valid: [{}, { timeoutSeconds: 600, deleteEmptyDirData: true }],
    invalid: [
      { parameters: { timeoutSeconds: 5 }, field: "timeoutSeconds" },
      { parameters: { deleteEmptyDirData: "yes" }, field: "deleteEmptyDirData" },
    ],
  },
});

import { z } from "zod";
import { defineAction } from "../action-definition.js";
import { wholeNumber } from "../fields.js";
import { rule } from "../rbac.js";

export const rollbackDeployment = defineAction({
  name: "rollback_deployment",
  title: "Roll a Deployment back",
  description:
    "Restores the pod template of the previous ReplicaSet (or of `toRevision`), as `kubectl rollout undo` does. Refused when there is no earlier revision.",
  risk: "medium",
  targetKinds: ["Deployment"],
  parameters: z.strictObject({ toRevision: wholeNumber(1, 1_000_000).optional() }),
  reversible: true,
  requiresApproval: false,
  rbac: [rule("apps", "deployments", ["get", "patch"]), rule("apps", "replicasets", ["list"])],
  examples: {
    valid: [{}, { toRevision: 3 }],
    invalid: [
      { parameters: { toRevision: 0 }, field: "toRevision" },
      { parameters: { revision: 3 }, field: "revision" },
    ],
  },
});

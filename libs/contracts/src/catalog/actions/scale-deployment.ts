import { z } from "zod";
import { defineAction } from "../action-definition.js";
import { wholeNumber } from "../fields.js";
import { rule } from "../rbac.js";

export const scaleDeployment = defineAction({
  name: "scale_deployment",
  title: "Scale a Deployment",
  description:
    "Sets spec.replicas through the scale subresource. When an HPA controls the Deployment, changes the HPA's bounds instead (minReplicas up to the count for a scale-up, maxReplicas down to it for a scale-down). Refused when the scale-up does not fit capacity and quota.",
  risk: "medium",
  targetKinds: ["Deployment"],
  // Scaling to zero is an outage, never a remediation Vigil takes on its own.
  parameters: z.strictObject({ replicas: wholeNumber(1, 1000) }),
  reversible: true,
  requiresApproval: false,
  rbac: [
    rule("apps", "deployments", ["get"]),
    rule("apps", "deployments/scale", ["get", "patch"]),
    // An HPA-controlled workload is scaled through its HPA's bounds (the HPA would undo a direct scale).
    rule("autoscaling", "horizontalpodautoscalers", ["get", "list", "patch"]),
    rule("", "resourcequotas", ["list"]),
  ],
  examples: {
    valid: [{ replicas: 3 }],
    invalid: [
      { parameters: { replicas: 1001 }, field: "replicas" },
      { parameters: { replicas: 0 }, field: "replicas" },
      { parameters: { replicas: 2.5 }, field: "replicas" },
      { parameters: {}, field: "replicas" },
      { parameters: { replicas: 3, factor: 2 }, field: "factor" },
    ],
  },
});

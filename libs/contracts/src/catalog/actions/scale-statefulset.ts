import { z } from "zod";
import { defineAction } from "../action-definition.js";
import { wholeNumber } from "../fields.js";
import { rule } from "../rbac.js";

export const scaleStatefulset = defineAction({
  name: "scale_statefulset",
  title: "Scale a StatefulSet",
  description:
    "Sets spec.replicas through the scale subresource (or, when an HPA controls the StatefulSet, the HPA's bounds). Needs approval by default: scaling a StatefulSet down removes the highest ordinals, whose volumes stay but whose members leave the set.",
  risk: "medium",
  targetKinds: ["StatefulSet"],
  parameters: z.strictObject({ replicas: wholeNumber(1, 1000) }),
  reversible: true,
  requiresApproval: true,
  rbac: [
    rule("apps", "statefulsets", ["get"]),
    rule("apps", "statefulsets/scale", ["get", "patch"]),
    // An HPA-controlled workload is scaled through its HPA's bounds (the HPA would undo a direct scale).
    rule("autoscaling", "horizontalpodautoscalers", ["get", "list", "patch"]),
    rule("", "resourcequotas", ["list"]),
  ],
  examples: {
    valid: [{ replicas: 3 }],
    invalid: [
      { parameters: { replicas: "3" }, field: "replicas" },
      { parameters: { replicas: -1 }, field: "replicas" },
    ],
  },
});

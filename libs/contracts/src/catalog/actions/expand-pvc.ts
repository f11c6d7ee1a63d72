import { z } from "zod";
import { defineAction } from "../action-definition.js";
import { growthFactor, quantity } from "../fields.js";
import { rule } from "../rbac.js";

export const expandPvc = defineAction({
  name: "expand_pvc",
  title: "Expand a PersistentVolumeClaim",
  description:
    "Raises spec.resources.requests.storage, to an absolute size or by a factor. Refused when the StorageClass does not allow expansion or the size would not grow (volumes never shrink).",
  risk: "medium",
  targetKinds: ["PersistentVolumeClaim"],
  parameters: z.strictObject({ size: quantity("storage").optional(), factor: growthFactor(4).optional() }).superRefine((p, ctx) => {
    if ((p.size === undefined) === (p.factor === undefined))
      ctx.addIssue({ code: "custom", path: ["size"], message: "give either size (absolute) or factor (relative), exactly one" });
  }),
  reversible: false,
  requiresApproval: false,
  rbac: [rule("", "persistentvolumeclaims", ["get", "patch"]), rule("storage.k8s.io", "storageclasses", ["get"])],
  examples: {
    valid: [{ size: "20Gi" }, { factor: 1.5 }],
    invalid: [
      { parameters: { size: "20m" }, field: "size" },
      { parameters: { factor: 10 }, field: "factor" },
      { parameters: { size: "20Gi", factor: 2 }, field: "size" },
      { parameters: {}, field: "size" },
    ],
  },
});

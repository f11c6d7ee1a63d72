// scale_statefulset: spec.replicas through the scale subresource, or the HPA's bounds when an HPA controls it.
// A scale-down removes the highest ordinals; their PersistentVolumeClaims stay (the catalog requires approval).
import { defineActionImplementation } from "../../action-implementation.js";
import { planScale } from "./scale-workload.js";

export const scaleStatefulset = defineActionImplementation({
  name: "scale_statefulset",
  plan: (ctx) => planScale(ctx, "StatefulSet", ctx.parameters.replicas),
});

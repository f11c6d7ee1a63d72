// scale_deployment: spec.replicas through the scale subresource, or the HPA's bounds when an HPA controls it.
import { defineActionImplementation } from "../../action-implementation.js";
import { planScale } from "./scale-workload.js";

export const scaleDeployment = defineActionImplementation({
  name: "scale_deployment",
  plan: (ctx) => planScale(ctx, "Deployment", ctx.parameters.replicas),
});

// rollout_restart: `kubectl rollout restart` of a Deployment, StatefulSet or DaemonSet.
import { defineActionImplementation } from "../../action-implementation.js";
import { restartPlan } from "./restart-template.js";
import { readTarget, targetRef } from "./workload-ref.js";

export const rolloutRestart = defineActionImplementation({
  name: "rollout_restart",
  async plan(ctx) {
    const ref = targetRef(ctx.target, ["Deployment", "StatefulSet", "DaemonSet"]);
    return restartPlan(ctx, ref, await readTarget(ctx.kube, ref));
  },
});

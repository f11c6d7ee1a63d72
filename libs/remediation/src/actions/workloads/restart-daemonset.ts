// restart_daemonset: a rolling restart of a DaemonSet, one node at a time per its update strategy.
import type { V1DaemonSet } from "@kubernetes/client-node";
import { defineActionImplementation } from "../../action-implementation.js";
import { restartPlan } from "./restart-template.js";
import { readTarget, targetRef } from "./workload-ref.js";

export const restartDaemonset = defineActionImplementation({
  name: "restart_daemonset",
  async plan(ctx) {
    const ref = targetRef(ctx.target, ["DaemonSet"]);
    const ds: V1DaemonSet = await readTarget(ctx.kube, ref);
    const unavailable = ds.spec?.updateStrategy?.rollingUpdate?.maxUnavailable ?? 1;
    return restartPlan(ctx, ref, ds, `rolling restart (maxUnavailable ${String(unavailable)}) of`);
  },
});

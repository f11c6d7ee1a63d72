// restart_network: a rolling restart of the CNI agent, the cluster DNS or kube-proxy in kube-system, and of
// nothing else: the target must be in kube-system and be the component the proposal names. (The policy makes it
// approval-only; this module makes sure that what is approved is networking.)
import type { V1DaemonSet, V1Deployment } from "@kubernetes/client-node";
import { ActionRefusal, defineActionImplementation } from "../../action-implementation.js";
import { isComponent, NETWORK_COMPONENTS, NETWORK_NAMESPACE } from "./network-components.js";
import { restartPlan } from "./restart-template.js";
import { describeObject, readTarget, targetRef } from "./workload-ref.js";

const COMPONENT_WORDS = { cni: "the CNI", dns: "cluster DNS", kube_proxy: "kube-proxy" } as const;

export const restartNetwork = defineActionImplementation({
  name: "restart_network",
  async plan(ctx) {
    const { component } = ctx.parameters;
    const ref = targetRef(ctx.target, ["DaemonSet", "Deployment"]);
    const name = describeObject(ref);
    if (ref.namespace !== NETWORK_NAMESPACE) {
      throw new ActionRefusal(
        `restart_network restarts cluster networking in ${NETWORK_NAMESPACE} only; ${name} is not there (use rollout_restart for an application)`,
      );
    }
    const workload = (await readTarget(ctx.kube, ref)) as V1DaemonSet | V1Deployment;
    if (!isComponent(component, ref.kind, workload)) {
      throw new ActionRefusal(`${name} is not ${NETWORK_COMPONENTS[component].expected}, so it is not ${component} networking`);
    }
    return restartPlan(ctx, ref, workload, `restart ${COMPONENT_WORDS[component]} (${component}): rolling restart of`);
  },
});

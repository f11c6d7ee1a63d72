// The label selector of a workload the plan changes, read live: which of the pods on a node are its own (and
// will be replaced by the change, not added to).
import type { V1LabelSelector, V1Pod } from "@kubernetes/client-node";
import type { ResourceRef } from "@vigil/contracts";
import { isKindName, selectorMatches } from "@vigil/kube";
import type { KubeReader } from "../../kube-ops.js";

export async function workloadSelector(kube: KubeReader, workload: ResourceRef): Promise<V1LabelSelector | undefined> {
  if (!isKindName(workload.kind)) return undefined;
  const obj = (await kube.find({
    kind: workload.kind,
    name: workload.name,
    ...(workload.namespace ? { namespace: workload.namespace } : {}),
  })) as { spec?: { selector?: V1LabelSelector } } | undefined;
  return obj?.spec?.selector;
}

/** The workload's pods among `pods`. */
export const podsOf = (pods: readonly V1Pod[], workload: ResourceRef, selector: V1LabelSelector | undefined): V1Pod[] =>
  selector ? pods.filter((p) => p.metadata?.namespace === workload.namespace && selectorMatches(selector, p.metadata?.labels)) : [];

// The pod template of a Deployment, StatefulSet or DaemonSet: finding one named container (a refusal that lists
// the containers that exist when it is absent), the dotted paths `before`/`after` use for its fields, and the
// strategic merge patch that changes one container by its name (the merge key), leaving the others alone.
import type { V1Container, V1DaemonSet, V1Deployment, V1PodTemplateSpec, V1StatefulSet } from "@kubernetes/client-node";
import { ActionRefusal } from "../../action-implementation.js";
import { describeObject } from "./workload-ref.js";

export type TemplatedWorkload = V1Deployment | V1StatefulSet | V1DaemonSet;

export const templateOf = (obj: TemplatedWorkload): V1PodTemplateSpec => obj.spec?.template ?? {};

/** The named container of the template; refuses with the names that exist. */
export function containerOf(obj: TemplatedWorkload, kind: string, name: string): V1Container {
  const containers = templateOf(obj).spec?.containers ?? [];
  const found = containers.find((c) => c.name === name);
  if (found) return found;
  const where = describeObject({
    kind,
    name: obj.metadata?.name ?? "",
    ...(obj.metadata?.namespace ? { namespace: obj.metadata.namespace } : {}),
  });
  const names = containers.map((c) => c.name).join(", ") || "none";
  throw new ActionRefusal(`${where} has no container named "${name}" (its containers: ${names})`);
}

/** `spec.template.spec.containers[app].resources.limits.memory`: the key of a container field in `before`/`after`. */
export const containerFieldKey = (container: string, ...rest: string[]): string =>
  [`spec.template.spec.containers[${container}]`, ...rest].join(".");

/** A strategic merge patch of one container, merged by name: `{spec:{template:{spec:{containers:[{name, ...fields}]}}}}`. */
export const containerPatch = (container: string, fields: Record<string, unknown>) => ({
  spec: { template: { spec: { containers: [{ name: container, ...fields }] } } },
});

/** How many pods run the template: desired replicas, or for a DaemonSet the nodes it is scheduled on. */
export function podsOf(obj: TemplatedWorkload, kind: string): number {
  if (kind === "DaemonSet") return (obj as V1DaemonSet).status?.desiredNumberScheduled ?? 0;
  const spec = obj.spec;
  return spec && "replicas" in spec ? (spec.replicas ?? 1) : 1;
}

// StatefulSet pod identity and storage (stateful_set_utils.go): `<set>-<ordinal>` pods with hostname/subdomain,
// identity labels and the revision label, and one PVC per volumeClaimTemplate and ordinal,
// `<template>-<set>-<ordinal>`, created before the pod.
import type { Cluster } from "../cluster.js";
import { R } from "../api/resources.js";
import type { KubeObject, Pod } from "../types.js";
import { podFromTemplate } from "./pod-template.js";
import { recordEvent } from "./record-event.js";
import { clone } from "../json.js";

export const POD_NAME_LABEL = "statefulset.kubernetes.io/pod-name";
export const POD_INDEX_LABEL = "apps.kubernetes.io/pod-index";
export const REVISION_LABEL = "controller-revision-hash";
export const STS_SOURCE = { component: "statefulset-controller" };

/** The ordinal of a member pod of `set`, or -1. */
export const ordinalOf = (set: KubeObject, pod: KubeObject): number => {
  const name = pod.metadata.name ?? "";
  const prefix = `${set.metadata.name}-`;
  if (!name.startsWith(prefix)) return -1;
  const rest = name.slice(prefix.length);
  return /^(0|[1-9]\d*)$/.test(rest) ? Number(rest) : -1;
};

export const claimName = (set: KubeObject, template: KubeObject, ordinal: number): string =>
  `${template.metadata?.name}-${set.metadata.name}-${ordinal}`;

const claimTemplates = (set: KubeObject): KubeObject[] => set.spec?.volumeClaimTemplates ?? [];

/** newVersionedStatefulSetPod: the pod for `ordinal` from a revision's template, labelled with that revision. */
export function statefulPod(set: KubeObject, template: any, ordinal: number, revisionName: string): Pod {
  const name = `${set.metadata.name}-${ordinal}`;
  const pod = podFromTemplate(template, set, {
    name,
    labels: { [POD_NAME_LABEL]: name, [POD_INDEX_LABEL]: String(ordinal), [REVISION_LABEL]: revisionName },
  });
  pod.spec.hostname = name;
  if (set.spec.serviceName) pod.spec.subdomain = set.spec.serviceName;
  const claims = claimTemplates(set);
  const claimVolumes = claims.map((t) => ({ name: t.metadata.name!, persistentVolumeClaim: { claimName: claimName(set, t, ordinal) } }));
  const others = (pod.spec.volumes ?? []).filter((v) => !claims.some((t) => t.metadata.name === v.name));
  if (claimVolumes.length || others.length) pod.spec.volumes = [...claimVolumes, ...others] as never;
  return pod;
}

/** createPersistentVolumeClaims: missing claims of `ordinal`, labelled with the set's selector. */
export function createClaims(cluster: Cluster, set: KubeObject, ordinal: number, podName: string): void {
  const retainOnDelete = (set.spec.persistentVolumeClaimRetentionPolicy?.whenDeleted ?? "Retain") === "Retain";
  for (const t of claimTemplates(set)) {
    const name = claimName(set, t, ordinal);
    if (cluster.get(R.pvcs, set.metadata.namespace, name)) continue;
    const labels = { ...(t.metadata?.labels ?? {}), ...(set.spec.selector?.matchLabels ?? {}) };
    cluster.create(R.pvcs, {
      apiVersion: "v1",
      kind: "PersistentVolumeClaim",
      metadata: {
        name,
        namespace: set.metadata.namespace,
        ...(Object.keys(labels).length ? { labels } : {}),
        ...(t.metadata?.annotations ? { annotations: clone(t.metadata.annotations) } : {}),
        // whenDeleted: Delete makes the set an owner, so the garbage collector removes the claim with it.
        ...(retainOnDelete
          ? {}
          : {
              ownerReferences: [
                {
                  apiVersion: set.apiVersion,
                  kind: set.kind,
                  name: set.metadata.name!,
                  uid: set.metadata.uid!,
                  controller: true,
                  blockOwnerDeletion: true,
                },
              ],
            }),
      },
      spec: clone(t.spec ?? {}),
    });
    recordEvent(cluster, set, "SuccessfulCreate", `create Claim ${name} Pod ${podName} in StatefulSet ${set.metadata.name} success`, {
      source: STS_SOURCE,
    });
  }
}

/** whenScaled: Delete removes a condemned pod's claims with it. */
export function deleteClaimsOnScaleDown(cluster: Cluster, set: KubeObject, ordinal: number): void {
  if (set.spec.persistentVolumeClaimRetentionPolicy?.whenScaled !== "Delete") return;
  for (const t of claimTemplates(set)) {
    const name = claimName(set, t, ordinal);
    if (cluster.get(R.pvcs, set.metadata.namespace, name)) cluster.delete(R.pvcs, set.metadata.namespace, name);
  }
}

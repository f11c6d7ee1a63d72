// Matching claims to volumes (pkg/controller/volume/persistentvolume/index.go) and the volumes a provisioner
// creates: class, access modes, volume mode, selector and size; the smallest volume that fits wins.
import { labelSelectorFromObject } from "@vigil/contracts";
import { bytes } from "../quantity.js";
import type { KubeObject } from "../types.js";
import { clone } from "../json.js";

export const DEFAULT_CLASS_ANNOTATION = "storageclass.kubernetes.io/is-default-class";

/** The default StorageClass: the newest one annotated as default, as the API server picks it. */
export const defaultClass = (classes: KubeObject[]): KubeObject | undefined =>
  classes
    .filter((c) => c.metadata.annotations?.[DEFAULT_CLASS_ANNOTATION] === "true")
    .sort((a, b) => (a.metadata.creationTimestamp! < b.metadata.creationTimestamp! ? 1 : -1))[0];

export const requestOf = (pvc: KubeObject): string | undefined => pvc.spec?.resources?.requests?.storage;

const size = (q: string | number | undefined): number => (q === undefined ? 0 : bytes(q));

/** An unbound volume this claim may bind: pre-bound to it, or free and fitting. Smallest first. */
export function findVolume(pvc: KubeObject, className: string, volumes: KubeObject[]): KubeObject | undefined {
  const ns = pvc.metadata.namespace;
  const name = pvc.metadata.name;
  const wanted = size(requestOf(pvc));
  const modes: string[] = pvc.spec?.accessModes ?? [];
  const selector = pvc.spec?.selector ? labelSelectorFromObject(pvc.spec.selector) : undefined;
  const fits = (pv: KubeObject): boolean =>
    (pv.spec?.storageClassName ?? "") === className &&
    modes.every((m) => (pv.spec?.accessModes ?? []).includes(m)) &&
    (pv.spec?.volumeMode ?? "Filesystem") === (pvc.spec?.volumeMode ?? "Filesystem") &&
    size(pv.spec?.capacity?.storage) >= wanted &&
    (!selector || selector.matches(pv.metadata.labels));
  const candidates = volumes.filter((pv) => {
    if (pvc.spec?.volumeName && pv.metadata.name !== pvc.spec.volumeName) return false;
    const ref = pv.spec?.claimRef;
    if (ref) return ref.namespace === ns && ref.name === name && (!ref.uid || ref.uid === pvc.metadata.uid);
    return pv.status?.phase === "Available" || pv.status?.phase === undefined;
  });
  // A volume pre-bound to the claim (claimRef or spec.volumeName) is taken without matching its class.
  const prebound = candidates.find((pv) => pv.spec?.claimRef || pvc.spec?.volumeName);
  if (prebound) return prebound;
  return candidates.filter(fits).sort((a, b) => size(a.spec?.capacity?.storage) - size(b.spec?.capacity?.storage))[0];
}

/** What a provisioner creates for a claim: `pvc-<claim uid>` of the requested size, bound to the claim. */
export function provisionedVolume(pvc: KubeObject, sc: KubeObject): KubeObject {
  const provisioner: string = sc.provisioner as string;
  const csi = provisioner.includes(".") && !provisioner.startsWith("kubernetes.io/");
  const name = `pvc-${pvc.metadata.uid}`;
  return {
    apiVersion: "v1",
    kind: "PersistentVolume",
    metadata: { name, annotations: { "pv.kubernetes.io/provisioned-by": provisioner } },
    spec: {
      accessModes: [...(pvc.spec?.accessModes ?? ["ReadWriteOnce"])],
      capacity: { storage: requestOf(pvc) ?? "1Gi" },
      claimRef: {
        kind: "PersistentVolumeClaim",
        namespace: pvc.metadata.namespace,
        name: pvc.metadata.name,
        uid: pvc.metadata.uid,
        apiVersion: "v1",
        resourceVersion: pvc.metadata.resourceVersion,
      },
      ...(csi
        ? { csi: { driver: provisioner, fsType: "ext4", volumeHandle: `vol-${pvc.metadata.uid!.replace(/-/g, "").slice(0, 17)}` } }
        : { hostPath: { path: `/var/lib/sim-provisioner/${pvc.metadata.namespace}/${pvc.metadata.name}`, type: "" } }),
      ...(sc.mountOptions ? { mountOptions: clone(sc.mountOptions) } : {}),
      persistentVolumeReclaimPolicy: (sc.reclaimPolicy as string | undefined) ?? "Delete",
      storageClassName: sc.metadata.name,
      volumeMode: pvc.spec?.volumeMode ?? "Filesystem",
    },
  };
}

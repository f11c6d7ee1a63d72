// Volume expansion as the CSI external-resizer and the kubelet do it: a bound claim whose request grew gets its
// volume resized (Resizing, FileSystemResizeRequired), then, once a running pod mounts it, the file system is
// grown on the node and the claim's capacity updated (FileSystemResizeSuccessful); until then the claim shows
// FileSystemResizePending.
import type { Cluster } from "../cluster.js";
import { R } from "../api/resources.js";
import { bytes } from "../quantity.js";
import type { KubeObject, Pod } from "../types.js";
import { requestOf } from "./volume-binding.js";
import { recordEvent } from "./record-event.js";

const PENDING = "FileSystemResizePending";

/** Where each claim is mounted by a running pod: `namespace/claim` → node. */
export const mountedOn = (pods: Pod[]): Map<string, string> => {
  const out = new Map<string, string>();
  for (const p of pods) {
    if (p.status?.phase !== "Running" || !p.spec.nodeName) continue;
    for (const v of p.spec.volumes ?? []) {
      if (v.persistentVolumeClaim) out.set(`${p.metadata.namespace}/${v.persistentVolumeClaim.claimName}`, p.spec.nodeName);
    }
  }
  return out;
};

export function expand(cluster: Cluster, pvc: KubeObject, pv: KubeObject, mounts: () => Map<string, string>): void {
  const request = requestOf(pvc);
  const capacity = pvc.status?.capacity?.storage;
  if (!request || !capacity || bytes(request) <= bytes(capacity)) return;
  const ns = pvc.metadata.namespace;
  const name = pvc.metadata.name!;
  const driver = pv.spec?.csi?.driver ?? pv.metadata.annotations?.["pv.kubernetes.io/provisioned-by"] ?? "kubernetes.io";
  const resizer = { component: `external-resizer ${driver}` };
  if (bytes(pv.spec?.capacity?.storage ?? 0) < bytes(request)) {
    recordEvent(cluster, pvc, "Resizing", `External resizer is resizing volume ${pv.metadata.name}`, { source: resizer });
    pv = cluster.mutate(
      R.pvs,
      undefined,
      pv.metadata.name!,
      (d) => void (d.spec.capacity = { ...(d.spec.capacity ?? {}), storage: request }),
    )!;
    recordEvent(cluster, pvc, "FileSystemResizeRequired", "Require file system resize of volume on node", { source: resizer });
    cluster.updateStatus(R.pvcs, ns, name, (d) => {
      const conditions = ((d.status?.conditions as any[] | undefined) ?? []).filter((c) => c.type !== PENDING);
      conditions.push({
        type: PENDING,
        status: "True",
        lastProbeTime: null,
        lastTransitionTime: cluster.timestamp(),
        message: "Waiting for user to (re-)start a pod to finish file system resize of volume on node.",
      });
      d.status = { ...d.status, conditions };
    });
  }
  // The kubelet grows the file system of a mounted volume (online expansion).
  const node = mounts().get(`${ns}/${name}`);
  if (!node) return;
  cluster.updateStatus(R.pvcs, ns, name, (d) => {
    const conditions = ((d.status?.conditions as any[] | undefined) ?? []).filter((c) => c.type !== PENDING && c.type !== "Resizing");
    d.status = { ...d.status, capacity: { ...(d.status?.capacity ?? {}), storage: pv.spec.capacity.storage } };
    if (conditions.length) d.status.conditions = conditions;
    else delete d.status.conditions;
  });
  recordEvent(
    cluster,
    pvc,
    "FileSystemResizeSuccessful",
    `MountVolume.NodeExpandVolume succeeded for volume "${pv.metadata.name}" ${node}`,
    { source: { component: "kubelet", host: node } },
  );
}

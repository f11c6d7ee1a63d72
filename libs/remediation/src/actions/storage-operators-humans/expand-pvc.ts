// expand_pvc: raises a bound claim's storage request, to an absolute size or by a factor (rounded up to a whole
// Mi), when its StorageClass allows expansion. The external resizer then grows the volume and the kubelet its
// file system. Not reversible: volumes never shrink, so the plan refuses anything that would not grow.
import type { V1PersistentVolumeClaim, V1StorageClass } from "@kubernetes/client-node";
import { bytesOf } from "@vigil/kube";
import { ActionRefusal, defineActionImplementation } from "../../action-implementation.js";
import { fieldPath } from "../../consequences.js";
import type { KubeReader } from "../../kube-ops.js";

const STORAGE = "spec.resources.requests.storage";
const MI = 1024 * 1024;
const GI = 1024 * MI;

/** Bytes as the largest binary unit that states them exactly (the size was rounded up to a whole Mi). */
const asQuantity = (bytes: number): string => (bytes % GI === 0 ? `${bytes / GI}Gi` : `${Math.ceil(bytes / MI)}Mi`);

async function storageClassOf(kube: KubeReader, pvc: V1PersistentVolumeClaim, claim: string): Promise<V1StorageClass> {
  const name = pvc.spec?.storageClassName;
  // The API server's resize admission allows a resize only through the claim's own class: a claim bound without
  // one (storageClassName unset or "") was provisioned statically, and today's default class has no say over it.
  if (!name)
    throw new ActionRefusal(
      `${claim} names no StorageClass: only a dynamically provisioned claim whose class allows expansion can be resized; grow the volume by hand or move the data to a larger claim`,
    );
  const found = await kube.find({ kind: "StorageClass", name });
  if (!found) throw new ActionRefusal(`StorageClass ${name} of ${claim} does not exist: its volume cannot be expanded`);
  return found;
}

export const expandPvc = defineActionImplementation({
  name: "expand_pvc",
  async plan(ctx) {
    const { target, kube, parameters } = ctx;
    const namespace = target.namespace ?? "default";
    const ref = { kind: "PersistentVolumeClaim" as const, name: target.name, namespace };
    const claim = `PersistentVolumeClaim ${namespace}/${target.name}`;
    const pvc = await kube.find(ref);
    if (!pvc) throw new ActionRefusal(`${claim} does not exist`);
    const phase = pvc.status?.phase ?? "Pending";
    if (phase !== "Bound")
      throw new ActionRefusal(`${claim} is ${phase}, not Bound: only a bound claim's volume can be expanded (fix its provisioning first)`);
    const storageClass = await storageClassOf(kube, pvc, claim);
    const className = storageClass.metadata?.name ?? "?";
    if (storageClass.allowVolumeExpansion !== true)
      throw new ActionRefusal(
        `StorageClass ${className} does not allow volume expansion (allowVolumeExpansion is not true): ${claim} cannot grow; set allowVolumeExpansion on the class if its provisioner supports resizing, or move the data to a larger claim`,
      );

    const current = pvc.spec?.resources?.requests?.["storage"];
    if (!current) throw new ActionRefusal(`${claim} requests no storage size`);
    const currentBytes = bytesOf(current);
    const wantedBytes = parameters.size ? bytesOf(parameters.size) : Math.ceil((currentBytes * parameters.factor!) / MI) * MI;
    const wanted = parameters.size ?? asQuantity(wantedBytes);
    if (wantedBytes <= currentBytes)
      throw new ActionRefusal(`${claim} already requests ${current}: ${wanted} would not grow it (volumes never shrink)`);
    const capacity = pvc.status?.capacity?.["storage"];
    if (capacity && wantedBytes <= bytesOf(capacity))
      throw new ActionRefusal(`the volume of ${claim} already has ${capacity} of capacity: a request of ${wanted} would not grow it`);

    const subject = { ref, resourceVersion: pvc.metadata?.resourceVersion ?? "" };
    return {
      summary: `expand ${claim} from ${current} to ${wanted} (StorageClass ${className})`,
      subject,
      before: { [STORAGE]: current },
      consequences: { writes: [{ object: pvc, fields: [fieldPath("spec", "resources", "requests", "storage")] }] },
      async apply(writer) {
        const patched = await writer.patch(ref, "merge", { spec: { resources: { requests: { storage: wanted } } } });
        return {
          after: { [STORAGE]: patched.spec?.resources?.requests?.["storage"] },
          details: { storageClass: className, capacityBefore: capacity ?? null },
        };
      },
      async verify(reader) {
        const now = await reader.get(ref);
        const requested = now.spec?.resources?.requests?.["storage"];
        if (!requested || bytesOf(requested) !== wantedBytes)
          return { ok: false, detail: `${claim} requests ${requested ?? "nothing"}, not ${wanted}` };
        const conditions = (now.status?.conditions ?? []).map((c) => c.type).join(", ");
        return {
          ok: true,
          detail: `${claim} requests ${requested}; capacity ${now.status?.capacity?.["storage"] ?? "unknown"}${conditions ? ` (${conditions})` : ""}: the resizer grows the volume next`,
        };
      },
    };
  },
});

import { z } from "zod";
import { defineAction } from "../action-definition.js";
import { dnsSubdomain } from "../fields.js";
import { rule } from "../rbac.js";

export const backupVolume = defineAction({
  name: "backup_volume",
  title: "Snapshot a volume",
  description:
    "Creates a VolumeSnapshot (snapshot.storage.k8s.io/v1) of the claim, with the given class or the default one. Refused with a clear reason when the VolumeSnapshot API is not installed.",
  risk: "low",
  targetKinds: ["PersistentVolumeClaim"],
  parameters: z.strictObject({ snapshotClassName: dnsSubdomain().optional() }),
  // A snapshot only adds an object; deleting it undoes it.
  reversible: true,
  requiresApproval: false,
  rbac: [
    rule("", "persistentvolumeclaims", ["get"]),
    // list: a redelivered execution finds the snapshot it already made; delete: the revert removes it.
    rule("snapshot.storage.k8s.io", "volumesnapshots", ["get", "list", "create", "delete"]),
    rule("snapshot.storage.k8s.io", "volumesnapshotclasses", ["list"]),
  ],
  examples: {
    valid: [{}, { snapshotClassName: "csi-hostpath-snapclass" }],
    invalid: [{ parameters: { snapshotClassName: "Bad_Class" }, field: "snapshotClassName" }],
  },
});

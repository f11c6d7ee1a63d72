// backup_volume: a VolumeSnapshot (snapshot.storage.k8s.io/v1) of a bound claim, with the class given or the
// cluster's default VolumeSnapshotClass, named `<claim>-vigil-<yyyymmddhhmmss>` (cluster time) and labelled
// with the execution. The API is a CRD of the external-snapshotter: when it is not installed the action
// refuses (unsupported) instead of pretending. Revert deletes the snapshot it created.
import { isConflict, isNotFound } from "@vigil/kube";
import { ActionRefusal, defineActionImplementation } from "../../action-implementation.js";
import type { KubeReader } from "../../kube-ops.js";
import { servedVersion } from "./api-discovery.js";
import { EXECUTION_ID_LABEL, executionAnnotations, executionLabels } from "./execution-metadata.js";

const GROUP = "snapshot.storage.k8s.io";
const DEFAULT_CLASS_ANNOTATION = "snapshot.storage.kubernetes.io/is-default-class";
const KEY = "volumeSnapshot";

interface SnapshotClass {
  metadata?: { name?: string; annotations?: Record<string, string> };
  driver?: string;
}
interface VolumeSnapshot {
  metadata?: { name?: string; namespace?: string; resourceVersion?: string; labels?: Record<string, string> };
  spec?: { source?: { persistentVolumeClaimName?: string } };
  status?: { readyToUse?: boolean; error?: { message?: string }; boundVolumeSnapshotContentName?: string };
}

/** `20260314T093000` without separators, UTC: sorts by time and fits a DNS subdomain. */
export const snapshotStamp = (ms: number): string => new Date(ms).toISOString().replace(/\D/g, "").slice(0, 14);

async function chooseClass(kube: KubeReader, wanted: string | undefined): Promise<string> {
  const list = (await kube.raw({
    method: "GET",
    path: `/apis/${GROUP}/v1/volumesnapshotclasses`,
    verb: "list",
    apiGroup: GROUP,
    resource: "volumesnapshotclasses",
  })) as {
    items?: SnapshotClass[];
  };
  const classes = list.items ?? [];
  const names = classes.map((c) => c.metadata?.name ?? "?");
  const available = names.length ? `available: ${names.join(", ")}` : "none exists: create one for the claim's CSI driver";
  if (wanted) {
    if (!names.includes(wanted)) throw new ActionRefusal(`VolumeSnapshotClass ${wanted} does not exist (${available})`);
    return wanted;
  }
  const defaults = classes
    .filter((c) => c.metadata?.annotations?.[DEFAULT_CLASS_ANNOTATION] === "true")
    .map((c) => c.metadata?.name ?? "?");
  if (defaults.length === 0) throw new ActionRefusal(`no default VolumeSnapshotClass: name one with snapshotClassName (${available})`);
  // The snapshot controller refuses a snapshot when several defaults match the driver: so does the plan, earlier.
  if (defaults.length > 1)
    throw new ActionRefusal(`several default VolumeSnapshotClasses (${defaults.join(", ")}): name one with snapshotClassName`);
  return defaults[0]!;
}

export const backupVolume = defineActionImplementation({
  name: "backup_volume",
  async plan(ctx) {
    const { target, kube, execution } = ctx;
    const namespace = target.namespace ?? "default";
    const ref = { kind: "PersistentVolumeClaim" as const, name: target.name, namespace };
    const claim = `PersistentVolumeClaim ${namespace}/${target.name}`;
    const pvc = await kube.find(ref);
    if (!pvc) throw new ActionRefusal(`${claim} does not exist`);
    if (pvc.status?.phase !== "Bound")
      throw new ActionRefusal(`${claim} is ${pvc.status?.phase ?? "Pending"}, not Bound: there is no volume to snapshot yet`);
    if (!(await servedVersion(kube, GROUP, ["v1"], "volumesnapshots")))
      throw new ActionRefusal(
        `the VolumeSnapshot API (${GROUP}/v1) is not installed in this cluster: install the external-snapshotter CRDs and snapshot-controller (github.com/kubernetes-csi/external-snapshotter) and a CSI driver that supports snapshots, then a VolumeSnapshotClass`,
        "unsupported",
      );
    const className = await chooseClass(kube, ctx.parameters.snapshotClassName);
    const collection = `/apis/${GROUP}/v1/namespaces/${namespace}/volumesnapshots`;
    // A redelivered execution (the executor died after creating it) finds the snapshot it made instead of
    // cutting a second one under a later name.
    const mine = (await kube.raw({
      method: "GET",
      path: collection,
      verb: "list",
      apiGroup: GROUP,
      resource: "volumesnapshots",
      namespace,
      query: { labelSelector: `${EXECUTION_ID_LABEL}=${executionLabels(execution)[EXECUTION_ID_LABEL]}` },
    })) as { items?: VolumeSnapshot[] };
    const earlier = mine.items?.find((v) => v.spec?.source?.persistentVolumeClaimName === target.name)?.metadata?.name;
    // A DNS subdomain has at most 253 characters; the suffix takes 21.
    const name = earlier ?? `${target.name.slice(0, 232).replace(/[-.]+$/, "")}-vigil-${snapshotStamp(ctx.now())}`;
    const object = { verb: "get" as const, apiGroup: GROUP, resource: "volumesnapshots", name, namespace };
    const read = (reader: KubeReader) => reader.raw({ ...object, method: "GET", path: `${collection}/${name}` }) as Promise<VolumeSnapshot>;
    const body = {
      apiVersion: `${GROUP}/v1`,
      kind: "VolumeSnapshot",
      metadata: { name, namespace, labels: executionLabels(execution), annotations: executionAnnotations(execution) },
      spec: { volumeSnapshotClassName: className, source: { persistentVolumeClaimName: target.name } },
    };

    return {
      summary: `snapshot ${claim} as VolumeSnapshot ${namespace}/${name} (class ${className})`,
      subject: { ref, resourceVersion: pvc.metadata?.resourceVersion ?? "" },
      before: { [KEY]: null },
      consequences: {},
      async apply(writer) {
        let created: VolumeSnapshot;
        let alreadyExisted = false;
        try {
          created = (await writer.raw({ ...object, verb: "create", method: "POST", path: collection, body })) as VolumeSnapshot;
        } catch (err) {
          // A redelivered execution finds its own snapshot: the same one, not a second.
          if (!isConflict(err)) throw err;
          created = await read(writer);
          if (created.metadata?.labels?.[EXECUTION_ID_LABEL] !== body.metadata.labels[EXECUTION_ID_LABEL]) throw err;
          alreadyExisted = true;
        }
        return {
          after: { [KEY]: `${namespace}/${created.metadata?.name ?? name}` },
          details: { volumeSnapshot: { name, namespace, className, source: target.name, alreadyExisted } },
        };
      },
      async verify(reader) {
        let snap: VolumeSnapshot;
        try {
          snap = await read(reader);
        } catch (err) {
          if (isNotFound(err)) return { ok: false, detail: `VolumeSnapshot ${namespace}/${name} does not exist` };
          throw err;
        }
        if (snap.status?.error?.message)
          return { ok: false, detail: `VolumeSnapshot ${namespace}/${name} failed: ${snap.status.error.message}` };
        return {
          ok: true,
          detail: snap.status?.readyToUse
            ? `VolumeSnapshot ${namespace}/${name} is ready to use`
            : `VolumeSnapshot ${namespace}/${name} exists; the snapshot controller is still cutting it`,
        };
      },
      async revert(writer) {
        try {
          await writer.raw({
            ...object,
            verb: "delete",
            method: "DELETE",
            path: `${collection}/${name}`,
            body: { apiVersion: "v1", kind: "DeleteOptions" },
          });
        } catch (err) {
          // Already gone (deleted by hand, or a repeated revert): the state the revert wants.
          if (!isNotFound(err)) throw err;
        }
        return { [KEY]: null };
      },
    };
  },
});

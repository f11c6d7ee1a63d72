// PersistentVolume controller: dynamic provisioning (named and default class), binding to pre-created volumes,
// FailedBinding without a class, reclaim, and expansion through the resizer and the kubelet.
import { test } from "node:test";
import assert from "node:assert/strict";
import { R } from "../src/api/resources.js";
import { PersistentVolumeController } from "../src/controllers/persistent-volume.js";
import { StatefulSetController } from "../src/controllers/statefulset.js";
import type { KubeObject, Pod } from "../src/types.js";
import { env, eventsOf, markReady, type Env } from "./controllers-helpers.js";

const storageClass = (name: string, extra: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: "storage.k8s.io/v1",
  kind: "StorageClass",
  metadata: { name },
  provisioner: "ebs.csi.aws.com",
  reclaimPolicy: "Delete",
  volumeBindingMode: "Immediate",
  allowVolumeExpansion: true,
  ...extra,
});
const claim = (name: string, spec: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: "v1",
  kind: "PersistentVolumeClaim",
  metadata: { name, namespace: "default" },
  spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "10Gi" } }, ...spec },
});
const pvc = (e: Env, name = "data"): KubeObject => e.cluster.mustGet(R.pvcs, "default", name);

test("a claim with a StorageClass gets a provisioned volume pvc-<uid> and is Bound", () => {
  const e = env([new PersistentVolumeController()]);
  e.cluster.create(R.storageclasses, storageClass("standard", { reclaimPolicy: "Retain" }));
  e.cluster.create(R.pvcs, claim("data", { storageClassName: "standard" }));
  e.settle();
  const c = pvc(e);
  const pvName = `pvc-${c.metadata.uid}`;
  const pv = e.cluster.mustGet(R.pvs, undefined, pvName);
  assert.equal(c.spec.volumeName, pvName);
  assert.deepEqual(c.status, { phase: "Bound", accessModes: ["ReadWriteOnce"], capacity: { storage: "10Gi" } });
  assert.equal(c.metadata.annotations!["pv.kubernetes.io/bind-completed"], "yes");
  assert.equal(c.metadata.annotations!["volume.kubernetes.io/storage-provisioner"], "ebs.csi.aws.com");
  assert.deepEqual(pv.spec.capacity, { storage: "10Gi" });
  assert.equal(pv.spec.persistentVolumeReclaimPolicy, "Retain");
  assert.equal(pv.spec.storageClassName, "standard");
  assert.deepEqual([pv.spec.claimRef.name, pv.spec.claimRef.namespace, pv.spec.claimRef.uid], ["data", "default", c.metadata.uid]);
  assert.equal(pv.metadata.annotations!["pv.kubernetes.io/provisioned-by"], "ebs.csi.aws.com");
  assert.equal(pv.status.phase, "Bound");
  assert.ok(
    eventsOf(e.cluster, c).some(
      (x) => x.reason === "ProvisioningSucceeded" && x.message === `Successfully provisioned volume ${pvName} using ebs.csi.aws.com`,
    ),
  );
  // Retain: deleting the claim releases the volume but keeps it.
  e.cluster.delete(R.pvcs, "default", "data");
  e.settle();
  assert.equal(e.cluster.mustGet(R.pvs, undefined, pvName).status.phase, "Released");
});

test("without a class the default StorageClass provisions; with Delete the volume goes with the claim", () => {
  const e = env([new PersistentVolumeController()]);
  e.cluster.create(
    R.storageclasses,
    storageClass("gp3", { metadata: { name: "gp3", annotations: { "storageclass.kubernetes.io/is-default-class": "true" } } }),
  );
  e.cluster.create(R.pvcs, claim("data"));
  e.settle();
  assert.equal(pvc(e).status.phase, "Bound");
  const pv = e.cluster.mustGet(R.pvs, undefined, pvc(e).spec.volumeName);
  assert.equal(pv.spec.storageClassName, "gp3");
  e.cluster.delete(R.pvcs, "default", "data");
  e.settle();
  assert.equal(e.cluster.get(R.pvs, undefined, pv.metadata.name!), undefined);
});

test("a claim binds to a matching pre-created volume, the smallest that fits", () => {
  const e = env([new PersistentVolumeController()]);
  const volume = (name: string, size: string): KubeObject => ({
    apiVersion: "v1",
    kind: "PersistentVolume",
    metadata: { name },
    spec: { capacity: { storage: size }, accessModes: ["ReadWriteOnce"], hostPath: { path: `/mnt/${name}` } },
  });
  e.cluster.create(R.pvs, volume("big", "100Gi"));
  e.cluster.create(R.pvs, volume("small", "5Gi"));
  e.cluster.create(R.pvs, volume("right", "20Gi"));
  e.cluster.create(R.pvcs, claim("data", { storageClassName: "" }));
  e.settle();
  assert.equal(pvc(e).spec.volumeName, "right");
  assert.deepEqual(pvc(e).status.capacity, { storage: "20Gi" });
  const pv = e.cluster.mustGet(R.pvs, undefined, "right");
  assert.equal(pv.status.phase, "Bound");
  assert.equal(pv.spec.claimRef.uid, pvc(e).metadata.uid);
  assert.equal(e.cluster.mustGet(R.pvs, undefined, "big").status.phase, "Available");
});

test("without a class or a matching volume the claim stays Pending with FailedBinding", () => {
  const e = env([new PersistentVolumeController()]);
  e.cluster.create(R.pvcs, claim("data"));
  e.settle();
  e.advance(30);
  assert.equal(pvc(e).status.phase, "Pending");
  const events = eventsOf(e.cluster, pvc(e));
  assert.deepEqual(
    events.map((x) => [x.reason, x.message]),
    [["FailedBinding", "no persistent volumes available for this claim and no storage class is set"]],
  );
  const count = e.cluster.events.about(pvc(e))[0]!.count as number;
  assert.ok(count >= 2 && count <= 3, `re-reported every resync period (count ${count})`);
});

test("expansion: the volume grows, then the kubelet grows the mounted file system and the claim's capacity", () => {
  const e = env([new PersistentVolumeController(), new StatefulSetController()]);
  e.cluster.create(R.storageclasses, storageClass("standard"));
  e.cluster.create(R.statefulsets, {
    apiVersion: "apps/v1",
    kind: "StatefulSet",
    metadata: { name: "postgres", namespace: "default" },
    spec: {
      serviceName: "postgres",
      replicas: 1,
      selector: { matchLabels: { app: "postgres" } },
      template: { metadata: { labels: { app: "postgres" } }, spec: { containers: [{ name: "postgres", image: "postgres:16.4" }] } },
      volumeClaimTemplates: [
        {
          metadata: { name: "data" },
          spec: { accessModes: ["ReadWriteOnce"], storageClassName: "standard", resources: { requests: { storage: "10Gi" } } },
        },
      ],
    },
  });
  e.settle();
  const name = "data-postgres-0";
  assert.equal(pvc(e, name).status.phase, "Bound");
  e.cluster.mutate(R.pvcs, "default", name, (d) => void (d.spec.resources.requests.storage = "20Gi"));
  e.settle();
  const pvName = pvc(e, name).spec.volumeName;
  assert.deepEqual(e.cluster.mustGet(R.pvs, undefined, pvName).spec.capacity, { storage: "20Gi" });
  // Not mounted by a running pod yet: the file system resize waits.
  assert.deepEqual(pvc(e, name).status.capacity, { storage: "10Gi" });
  assert.equal(pvc(e, name).status.conditions[0].type, "FileSystemResizePending");
  markReady(e.cluster, e.cluster.mustGet<Pod>(R.pods, "default", "postgres-0"), "worker-1"); // stands in for scheduler + kubelet
  e.settle();
  const c = pvc(e, name);
  assert.deepEqual(c.status.capacity, { storage: "20Gi" });
  assert.equal(c.status.conditions, undefined);
  const events = eventsOf(e.cluster, c);
  assert.ok(events.some((x) => x.reason === "Resizing" && x.message === `External resizer is resizing volume ${pvName}`));
  assert.ok(
    events.some(
      (x) =>
        x.reason === "FileSystemResizeSuccessful" && x.message === `MountVolume.NodeExpandVolume succeeded for volume "${pvName}" worker-1`,
    ),
  );
});

test("WaitForFirstConsumer provisions only once a pod uses the claim", () => {
  const e = env([new PersistentVolumeController()]);
  e.cluster.create(R.storageclasses, storageClass("local", { volumeBindingMode: "WaitForFirstConsumer" }));
  e.cluster.create(R.pvcs, claim("data", { storageClassName: "local" }));
  e.settle();
  assert.equal(pvc(e).status.phase, "Pending");
  assert.ok(eventsOf(e.cluster, pvc(e)).some((x) => x.reason === "WaitForFirstConsumer"));
  e.cluster.create(R.pods, {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "app", namespace: "default" },
    spec: { containers: [{ name: "app", image: "busybox" }], volumes: [{ name: "data", persistentVolumeClaim: { claimName: "data" } }] },
  });
  e.settle();
  assert.equal(pvc(e).status.phase, "Bound");
});

// backup_volume. The simulator serves no VolumeSnapshot API (no CRDs): there the action refuses as
// unsupported. The positive path runs against a stand-in API server serving snapshot.storage.k8s.io/v1
// (actions-storage-stand-in.ts): the snapshot is created live (named from cluster time, labelled with the
// execution), not in dry run, the class is the given or the default one, and the revert deletes it.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { kubeConfigFromUrl, KubeClient } from "@vigil/kube";
import { ActionRefusal, KubeWriter, OperationLog } from "../src/index.js";
import { type ActionHarness, actionHarness, testExecution } from "./action-harness.js";
import { type StandIn, type StandInObject, startStandIn } from "./actions-storage-stand-in.js";

const GV = "snapshot.storage.k8s.io/v1";
const pvc = { kind: "PersistentVolumeClaim", name: "data", namespace: "db" };
const snapshotClass = (name: string, isDefault: boolean): StandInObject => ({
  apiVersion: GV,
  kind: "VolumeSnapshotClass",
  metadata: { name, ...(isDefault ? { annotations: { "snapshot.storage.kubernetes.io/is-default-class": "true" } } : {}) },
  driver: "ebs.csi.aws.com",
  deletionPolicy: "Delete",
});
const claim: StandInObject = {
  apiVersion: "v1",
  kind: "PersistentVolumeClaim",
  metadata: { name: "data", namespace: "db" },
  spec: { accessModes: ["ReadWriteOnce"], storageClassName: "standard", resources: { requests: { storage: "10Gi" } } },
  status: { phase: "Bound", capacity: { storage: "10Gi" } },
};
const cluster = (classes: StandInObject[]) =>
  startStandIn({
    served: { v1: ["persistentvolumeclaims"], [GV]: ["volumesnapshots", "volumesnapshotclasses"] },
    objects: { persistentvolumeclaims: [claim], volumesnapshotclasses: classes },
  });
const snapshotStampOf = (ms: number) => new Date(ms).toISOString().replace(/\D/g, "").slice(0, 14);
const clientOf = (s: StandIn) => new KubeClient(kubeConfigFromUrl(s.url), { fieldManager: "vigil-executor" });

const manifests = `
apiVersion: v1
kind: Namespace
metadata: { name: db }
---
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: { name: standard, annotations: { storageclass.kubernetes.io/is-default-class: "true" } }
provisioner: ebs.csi.aws.com
volumeBindingMode: Immediate
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: { name: data, namespace: db }
spec: { accessModes: [ReadWriteOnce], storageClassName: standard, resources: { requests: { storage: 10Gi } } }
`;

describe("backup_volume", () => {
  let h: ActionHarness;
  const standIns: StandIn[] = [];
  const standIn = async (classes: StandInObject[]) => {
    const s = await cluster(classes);
    standIns.push(s);
    return s;
  };
  before(async () => {
    h = await actionHarness({ manifests });
  });
  after(async () => {
    await Promise.all(standIns.map((s) => s.close()));
    await h.stop();
  });

  it("refuses as unsupported where the VolumeSnapshot API is not installed (the simulator)", async () => {
    await h.sim.advance("2s");
    await assert.rejects(h.plan("backup_volume", pvc, {}), (err: unknown) => {
      assert.ok(err instanceof ActionRefusal);
      assert.equal(err.kind, "unsupported");
      assert.match(err.message, /the VolumeSnapshot API \(snapshot\.storage\.k8s\.io\/v1\) is not installed.*external-snapshotter/);
      return true;
    });
  });

  it("creates a VolumeSnapshot of the claim with the default class, labelled with the execution; verify and revert", async () => {
    const s = await standIn([snapshotClass("csi-snap", true), snapshotClass("csi-slow", false)]);
    const client = clientOf(s);
    const run = await h.run("backup_volume", pvc, {}, { client });
    assert.deepEqual(run.plan.before, { volumeSnapshot: null });
    const [namespace, name] = (run.applied.after["volumeSnapshot"] as string).split("/") as [string, string];
    assert.equal(namespace, "db");
    assert.match(name, /^data-vigil-\d{14}$/);
    const stamp = name.slice("data-vigil-".length);
    const clusterNow = new Date(h.client.clock.now()).toISOString().replace(/\D/g, "");
    assert.ok(Math.abs(Number(stamp) - Number(clusterNow.slice(0, 14))) <= 1, `${stamp} is the cluster's time ${clusterNow}`);
    const stored = s.get("volumesnapshots", "db", name)!;
    assert.deepEqual(stored["spec"], { volumeSnapshotClassName: "csi-snap", source: { persistentVolumeClaimName: "data" } });
    assert.equal(stored.metadata.labels?.["vigil.dev/execution-id"], testExecution.executionId);
    assert.equal(stored.metadata.annotations?.["vigil.dev/incident-id"], testExecution.incidentId);
    assert.equal(run.verification?.ok, true);
    assert.match(run.verification?.detail ?? "", /still cutting it/);
    assert.deepEqual(
      run.log.operations.filter((o) => o.apiGroup === "snapshot.storage.k8s.io").map((o) => `${o.verb} ${o.resource}`),
      ["get discovery", "list volumesnapshotclasses", "list volumesnapshots", "create volumesnapshots", "get volumesnapshots"],
    );

    // A redelivered execution (later, so a later name would be due) finds the snapshot it already made.
    await h.sim.advance("5s");
    await h.client.list("Namespace"); // the cluster clock follows the simulator's Date header
    assert.notEqual(snapshotStampOf(h.client.clock.now()), stamp);
    const again = await h.run("backup_volume", pvc, {}, { client });
    assert.equal(again.applied.after["volumeSnapshot"], `db/${name}`);
    assert.equal((again.applied.details?.["volumeSnapshot"] as { alreadyExisted: boolean }).alreadyExisted, true);
    assert.equal(s.all("volumesnapshots").length, 1);

    const reverted = await run.plan.revert!(new KubeWriter(client, new OperationLog(), false));
    assert.deepEqual(reverted, { volumeSnapshot: null });
    assert.equal(s.get("volumesnapshots", "db", name), undefined);
  });

  it("dry run: the create carries dryRun=All and nothing is stored", async () => {
    const s = await standIn([snapshotClass("csi-snap", true)]);
    const run = await h.run("backup_volume", pvc, { snapshotClassName: "csi-snap" }, { client: clientOf(s), dryRun: true });
    assert.match(run.applied.after["volumeSnapshot"] as string, /^db\/data-vigil-/);
    assert.deepEqual(s.all("volumesnapshots"), []);
    const post = s.requests.find((r) => r.method === "POST")!;
    assert.equal(post.query["dryRun"], "All");
  });

  it("uses the class given; refuses an unknown class, no default, or several defaults", async () => {
    const s = await standIn([snapshotClass("csi-snap", false), snapshotClass("csi-slow", false)]);
    const client = clientOf(s);
    const run = await h.run("backup_volume", pvc, { snapshotClassName: "csi-slow" }, { client });
    assert.equal((s.all("volumesnapshots")[0]?.["spec"] as { volumeSnapshotClassName: string }).volumeSnapshotClassName, "csi-slow");
    assert.match(run.plan.summary, /class csi-slow/);
    await assert.rejects(
      h.run("backup_volume", pvc, { snapshotClassName: "gold" }, { client, dryRun: true }),
      /VolumeSnapshotClass gold does not exist \(available: csi-snap, csi-slow\)/,
    );
    await assert.rejects(
      h.run("backup_volume", pvc, {}, { client, dryRun: true }),
      /no default VolumeSnapshotClass: name one with snapshotClassName \(available: csi-snap, csi-slow\)/,
    );
    const two = clientOf(await standIn([snapshotClass("a", true), snapshotClass("b", true)]));
    await assert.rejects(h.run("backup_volume", pvc, {}, { client: two, dryRun: true }), /several default VolumeSnapshotClasses \(a, b\)/);
  });

  it("refuses a claim that does not exist", async () => {
    const client = clientOf(await standIn([snapshotClass("csi-snap", true)]));
    await assert.rejects(
      h.run("backup_volume", { ...pvc, name: "nope" }, {}, { client, dryRun: true }),
      /PersistentVolumeClaim db\/nope does not exist/,
    );
  });
});

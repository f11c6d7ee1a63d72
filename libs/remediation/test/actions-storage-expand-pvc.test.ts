// expand_pvc against the simulator's volume controller: the claim's request grows live (and the volume's
// capacity after the resizer and the kubelet ran), a dry run changes nothing, and the plan refuses what a
// StorageClass or a claim's state does not allow.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { KubeObject } from "@vigil/kube-sim";
import { waitFor } from "@vigil/testing";
import { ActionRefusal } from "../src/index.js";
import { type ActionHarness, actionHarness } from "./action-harness.js";

type Claim = KubeObject & {
  metadata: { resourceVersion: string };
  spec: { resources: { requests: { storage: string } } };
  status?: { phase?: string; capacity?: { storage?: string } };
};

const extra = `
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: { name: fixed }
provisioner: ebs.csi.aws.com
volumeBindingMode: Immediate
allowVolumeExpansion: false
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: { name: archive, namespace: db }
spec: { accessModes: [ReadWriteOnce], storageClassName: fixed, resources: { requests: { storage: 5Gi } } }
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: { name: orphan, namespace: db }
spec: { accessModes: [ReadWriteOnce], storageClassName: does-not-exist, resources: { requests: { storage: 5Gi } } }
---
apiVersion: v1
kind: PersistentVolume
metadata: { name: static-pv }
spec: { capacity: { storage: 2Gi }, accessModes: [ReadWriteOnce], hostPath: { path: /data/legacy } }
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: { name: legacy, namespace: db }
spec: { accessModes: [ReadWriteOnce], storageClassName: "", volumeName: static-pv, resources: { requests: { storage: 2Gi } } }
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: { name: scratch, namespace: db }
spec: { accessModes: [ReadWriteOnce], resources: { requests: { storage: 1Gi } } }
`;

const claim = (name: string) => ({ kind: "PersistentVolumeClaim", name, namespace: "db" });

describe("expand_pvc", () => {
  let h: ActionHarness;
  before(async () => {
    h = await actionHarness({ scenario: "pvc-near-full", manifests: extra });
    await waitFor(async () => {
      await h.sim.advance("2s");
      return ["archive", "scratch", "legacy"].every((n) => h.sim.get<Claim>("PersistentVolumeClaim", n, "db")?.status?.phase === "Bound");
    });
  });
  after(() => h.stop());

  it("raises the request live, and the volume's capacity follows", async () => {
    const run = await h.run("expand_pvc", claim("data-postgres-0"), { size: "20Gi" });
    assert.deepEqual(run.plan.before, { "spec.resources.requests.storage": "10Gi" });
    assert.deepEqual(run.applied.after, { "spec.resources.requests.storage": "20Gi" });
    assert.equal(run.verification?.ok, true, run.verification?.detail);
    assert.equal(h.sim.get<Claim>("PersistentVolumeClaim", "data-postgres-0", "db")?.spec.resources.requests.storage, "20Gi");
    assert.ok(!("revert" in run.plan), "volumes never shrink: no revert");
    assert.ok(
      run.log.operations.some((o) => o.verb === "patch" && o.resource === "persistentvolumeclaims" && !o.dryRun && o.status === 200),
    );
    await waitFor(async () => {
      await h.sim.advance("10s");
      return h.sim.get<Claim>("PersistentVolumeClaim", "data-postgres-0", "db")?.status?.capacity?.storage === "20Gi";
    });
  });

  it("dry run: the API server answers with the new size, nothing is stored", async () => {
    const beforeRv = h.sim.get<Claim>("PersistentVolumeClaim", "scratch", "db")!.metadata.resourceVersion;
    const run = await h.run("expand_pvc", claim("scratch"), { factor: 1.5 }, { dryRun: true });
    assert.deepEqual(run.applied.after, { "spec.resources.requests.storage": "1536Mi" });
    const now = h.sim.get<Claim>("PersistentVolumeClaim", "scratch", "db")!;
    assert.equal(now.metadata.resourceVersion, beforeRv);
    assert.equal(now.spec.resources.requests.storage, "1Gi");
    assert.ok(run.log.operations.some((o) => o.verb === "patch" && o.dryRun));
  });

  it("a claim created without a class has the default one (admission); a factor is rounded up to a whole Mi", async () => {
    const { plan } = await h.plan("expand_pvc", claim("scratch"), { factor: 1.3 });
    assert.match(plan.summary, /from 1Gi to 1332Mi \(StorageClass standard\)/);
  });

  it("refuses when the StorageClass does not allow expansion, naming the class", async () => {
    await assert.rejects(h.plan("expand_pvc", claim("archive"), { size: "10Gi" }), (err: unknown) => {
      assert.ok(err instanceof ActionRefusal);
      assert.match(err.message, /StorageClass fixed does not allow volume expansion/);
      return true;
    });
  });

  it("refuses a statically provisioned claim (no StorageClass): the API server would not resize it", async () => {
    await assert.rejects(
      h.plan("expand_pvc", claim("legacy"), { size: "4Gi" }),
      /PersistentVolumeClaim db\/legacy names no StorageClass: only a dynamically provisioned claim/,
    );
  });

  it("refuses a claim that is not Bound", async () => {
    await assert.rejects(h.plan("expand_pvc", claim("orphan"), { size: "10Gi" }), /PersistentVolumeClaim db\/orphan is Pending, not Bound/);
  });

  it("refuses a size that would not grow the claim", async () => {
    await assert.rejects(
      h.plan("expand_pvc", claim("scratch"), { size: "512Mi" }),
      /already requests 1Gi: 512Mi would not grow it \(volumes never shrink\)/,
    );
    await assert.rejects(h.plan("expand_pvc", claim("scratch"), { size: "1Gi" }), /would not grow/);
  });

  it("refuses a claim that does not exist", async () => {
    await assert.rejects(h.plan("expand_pvc", claim("nope"), { size: "10Gi" }), /PersistentVolumeClaim db\/nope does not exist/);
  });
});

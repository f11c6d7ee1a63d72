// Storage analyzers (PVC phase, PVC usage, PV) against the pvc-near-full and pvc-pending-missing-storageclass
// scenarios, with volume usage from the simulated kubelets' stats/summary through @vigil/kube's UsageCache.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { UsageCache } from "@vigil/kube";
import { KubeSim } from "@vigil/kube-sim";
import { defaultAnalysisSettings } from "../src/analyzer-definition.js";
import type { AnalyzerFinding } from "../src/run-analyzers.js";
import type { UsageView } from "../src/usage-view.js";
import { analysisContextFor, findingsFor, type AnalysisHarness } from "./analysis-helpers.js";

const STORAGE_CODES = /^(PVC|PV)_/;

/** One poll of every Ready node's kubelet stats (and metrics.k8s.io), kept as a snapshot. */
async function usageNow(h: AnalysisHarness): Promise<UsageView> {
  const usage = new UsageCache({ client: h.cache.client, nodes: () => h.cache.store("Node").list() });
  await usage.start();
  await usage.stop();
  return usage;
}

function storageFindings(h: AnalysisHarness, usage?: UsageView, settings = defaultAnalysisSettings): AnalyzerFinding[] {
  const ctx = h.ctx({ settings, ...(usage ? { usage } : {}) });
  return [...h.cache.store("PersistentVolumeClaim").list(), ...h.cache.store("PersistentVolume").list()].flatMap((o) =>
    findingsFor(o, ctx).filter((f) => STORAGE_CODES.test(f.code)),
  );
}

const describeFindings = (fs: AnalyzerFinding[]): string =>
  fs.map((f) => `${f.code} ${f.resource.namespace ?? ""}/${f.resource.name}: ${f.summary}`).join("\n");

describe("PVC usage on pvc-near-full", () => {
  let sim: KubeSim;
  let h: AnalysisHarness;
  before(async () => {
    sim = await KubeSim.start({ scenario: "pvc-near-full", clock: "virtual" });
    h = await analysisContextFor(sim);
  });
  after(async () => {
    await h?.stop();
    await sim?.stop();
  });

  test("above 85%: PVC_NEARLY_FULL from kubelet stats, with expand_pvc (the class allows expansion) and restart ruled out", async () => {
    const fs = storageFindings(h, await usageNow(h));
    assert.equal(fs.length, 1, describeFindings(fs));
    const f = fs[0]!;
    assert.equal(f.code, "PVC_NEARLY_FULL");
    assert.equal(f.severity, "warning");
    assert.deepEqual(f.resource, { kind: "PersistentVolumeClaim", name: "data-postgres-0", namespace: "db" });
    assert.match(f.summary, /8[5-9]% full/);
    const sample = f.evidence.find((e) => e.kind === "sample");
    assert.ok(sample && sample.kind === "sample" && sample.metric === "kubelet_volume_stats_used_bytes" && sample.value > 8800 * 1024 ** 2);
    assert.deepEqual(f.hypotheses![0]!.actions, ["expand_pvc"]);
    assert.match(f.hypotheses![0]!.statement, /restarting the pod will not help/);
  });

  test("no finding without volume stats, or under a higher threshold", async () => {
    assert.deepEqual(storageFindings(h), []);
    assert.deepEqual(
      storageFindings(h, await usageNow(h), { ...defaultAnalysisSettings, pvcNearlyFullRatio: 0.95, pvcFullRatio: 0.99 }),
      [],
    );
  });

  test("an hour later (20Mi/min) it is full: PVC_FULL, critical", async () => {
    await h.advance("60m");
    const fs = storageFindings(h, await usageNow(h));
    assert.deepEqual(
      fs.map((f) => [f.code, f.severity]),
      [["PVC_FULL", "critical"]],
      describeFindings(fs),
    );
  });

  test("a nearly full claim whose class does not allow expansion: escalate, not expand_pvc", async () => {
    sim.load(FIXED_SIZE);
    await h.advance("1m");
    const f = storageFindings(h, await usageNow(h)).find((x) => x.resource.name === "archive");
    assert.ok(f, "archive is 95% full");
    assert.equal(f.code, "PVC_NEARLY_FULL");
    assert.deepEqual(f.hypotheses![0]!.actions, ["escalate"]);
    assert.match(f.detail, /does not allow expansion/);
  });

  test("a bound claim whose volume is deleted is Lost: PVC_LOST with the ClaimLost event", async () => {
    const volume = h.cache.get({ kind: "PersistentVolumeClaim", namespace: "db", name: "archive" })?.spec?.volumeName;
    assert.ok(volume, "archive is bound");
    sim.delete("PersistentVolume", volume, undefined, { gracePeriodSeconds: 0 });
    await h.advance("10s");
    const f = storageFindings(h).find((x) => x.code === "PVC_LOST");
    assert.ok(f, describeFindings(storageFindings(h)));
    assert.equal(f.resource.name, "archive");
    assert.ok(f.evidence.some((e) => e.kind === "event" && e.reason === "ClaimLost"));
  });
});

describe("PVC phase on pvc-pending-missing-storageclass", () => {
  let sim: KubeSim;
  let h: AnalysisHarness;
  before(async () => {
    sim = await KubeSim.start({ scenario: "pvc-pending-missing-storageclass", clock: "virtual" });
    h = await analysisContextFor(sim);
  });
  after(async () => {
    await h?.stop();
    await sim?.stop();
  });

  test("Pending on a missing StorageClass: PVC_PENDING, critical (a Deployment waits), with the ProvisioningFailed event", () => {
    const fs = storageFindings(h);
    assert.equal(fs.length, 1, describeFindings(fs));
    const f = fs[0]!;
    assert.equal(f.code, "PVC_PENDING");
    assert.equal(f.severity, "critical");
    assert.deepEqual(f.resource, { kind: "PersistentVolumeClaim", name: "reports-data", namespace: "analytics" });
    assert.match(f.summary, /StorageClass "fast-ssd" not found/);
    assert.match(f.detail, /Deployment reports cannot start/);
    assert.ok(f.evidence.some((e) => e.kind === "event" && e.reason === "ProvisioningFailed" && /fast-ssd/.test(e.message)));
    assert.match(f.hypotheses![0]!.statement, /restarting or scaling Deployment reports will not help/);
    assert.ok(!f.hypotheses!.some((hy) => hy.actions?.some((a) => a === "rollout_restart" || a === "scale_deployment")));
  });

  test("traps: a WaitForFirstConsumer claim nobody mounts, and a Failed PV is PV_FAILED", async () => {
    sim.load(WAITING);
    await h.advance("10m");
    const fs = storageFindings(h);
    assert.equal(h.cache.get({ kind: "PersistentVolumeClaim", namespace: "analytics", name: "later" })?.status?.phase, "Pending");
    assert.deepEqual(
      fs.filter((f) => f.resource.name === "later"),
      [],
      "binding waits for the first consumer by design",
    );
    const failed = fs.filter((f) => f.code === "PV_FAILED");
    assert.equal(failed.length, 1, describeFindings(fs));
    assert.equal(failed[0]!.resource.name, "old-nfs");
    assert.match(failed[0]!.summary, /Recycle failed/);
  });

  test("creating StorageClass fast-ssd binds the claim: no finding on it", async () => {
    sim.load([{ apiVersion: "storage.k8s.io/v1", kind: "StorageClass", metadata: { name: "fast-ssd" }, provisioner: "ebs.csi.aws.com" }]);
    await h.advance("1m");
    assert.deepEqual(
      storageFindings(h).filter((f) => f.resource.name === "reports-data"),
      [],
    );
  });
});

/** A claim 95% full on a class without expansion, and a pod mounting it (stats come from the kubelet of its node). */
const FIXED_SIZE = [
  {
    apiVersion: "storage.k8s.io/v1",
    kind: "StorageClass",
    metadata: { name: "fixed" },
    provisioner: "kubernetes.io/no-expansion",
    allowVolumeExpansion: false,
  },
  {
    apiVersion: "v1",
    kind: "PersistentVolumeClaim",
    metadata: { name: "archive", namespace: "db", annotations: { "sim.vigil.dev/used": "9728Mi" } },
    spec: { storageClassName: "fixed", accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "10Gi" } } },
  },
  {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "archiver", namespace: "db" },
    spec: {
      containers: [{ name: "archiver", image: "busybox:1.36", volumeMounts: [{ name: "data", mountPath: "/data" }] }],
      volumes: [{ name: "data", persistentVolumeClaim: { claimName: "archive" } }],
    },
  },
];

const WAITING = [
  {
    apiVersion: "storage.k8s.io/v1",
    kind: "StorageClass",
    metadata: { name: "local-wait" },
    provisioner: "rancher.io/local-path",
    volumeBindingMode: "WaitForFirstConsumer",
  },
  {
    apiVersion: "v1",
    kind: "PersistentVolumeClaim",
    metadata: { name: "later", namespace: "analytics" },
    spec: { storageClassName: "local-wait", accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } },
  },
  {
    apiVersion: "v1",
    kind: "PersistentVolume",
    metadata: { name: "old-nfs" },
    spec: {
      capacity: { storage: "5Gi" },
      accessModes: ["ReadWriteMany"],
      persistentVolumeReclaimPolicy: "Recycle",
      nfs: { server: "10.0.0.5", path: "/exports/old" },
    },
    status: { phase: "Failed", message: "Recycle failed: pod recycler-for-old-nfs exited with 1" },
  },
];

// metrics.k8s.io items and the kubelet stats summary, from pods the real kubelet runs, including a PVC volume
// whose usage grows with time and is capped at the claim's capacity.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { R } from "../src/api/resources.js";
import { NodeStatusReporter } from "../src/kubelet/node-status.js";
import { Kubelet } from "../src/kubelet/kubelet.js";
import { nodeMetrics, podMetrics, statsSummary, volumeUsage } from "../src/metrics/index.js";
import { ApiError } from "../src/api/status.js";
import type { KubeObject } from "../src/types.js";
import { env } from "./controllers-helpers.js";

const MI = 2 ** 20;
const GI = 2 ** 30;

const setup = () => {
  const e = env([new NodeStatusReporter(), new Kubelet()], ["default", "db"]);
  for (const name of ["worker-1", "worker-2"]) {
    e.cluster.create(R.nodes, {
      apiVersion: "v1",
      kind: "Node",
      metadata: { name, labels: { pool: "general" } },
      status: { capacity: { cpu: "4", memory: "16Gi", pods: "110", "ephemeral-storage": "100Gi" } },
    });
  }
  e.settle();
  e.cluster.create(R.pvs, {
    apiVersion: "v1",
    kind: "PersistentVolume",
    metadata: { name: "pvc-1234" },
    spec: { capacity: { storage: "10Gi" }, accessModes: ["ReadWriteOnce"], claimRef: { namespace: "db", name: "data-postgres-0" } },
  });
  e.cluster.create(R.pvcs, {
    apiVersion: "v1",
    kind: "PersistentVolumeClaim",
    metadata: {
      name: "data-postgres-0",
      namespace: "db",
      annotations: { "sim.vigil.dev/used": "8800Mi", "sim.vigil.dev/growth": "20Mi/min" },
    },
    spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "10Gi" } }, volumeName: "pvc-1234" },
  });
  e.cluster.updateStatus(
    R.pvcs,
    "db",
    "data-postgres-0",
    (d) => void (d.status = { phase: "Bound", accessModes: ["ReadWriteOnce"], capacity: { storage: "10Gi" } }),
  );
  e.cluster.create(R.pods, {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name: "postgres-0",
      namespace: "db",
      labels: { app: "postgres" },
      annotations: { "sim.vigil.dev/memory-demand": "900Mi", "sim.vigil.dev/cpu-demand": "150m" },
    },
    spec: {
      nodeName: "worker-1",
      volumes: [{ name: "data", persistentVolumeClaim: { claimName: "data-postgres-0" } }],
      containers: [
        {
          name: "postgres",
          image: "postgres:16.4",
          volumeMounts: [{ name: "data", mountPath: "/var/lib/postgresql/data" }],
          resources: { requests: { cpu: "250m", memory: "1Gi" }, limits: { memory: "2Gi" } },
        },
      ],
    },
  });
  e.cluster.create(R.pods, {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "web-1", namespace: "default", labels: { app: "web" } },
    spec: {
      nodeName: "worker-2",
      containers: [
        { name: "web", image: "nginx:1.27" },
        { name: "sidecar", image: "envoyproxy/envoy:v1.31.0" },
      ],
    },
  });
  e.advance(10);
  return e;
};

type Item = {
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; creationTimestamp: string };
  timestamp: string;
  window: string;
  usage?: { cpu: string; memory: string };
  containers?: Array<{ name: string; usage: { cpu: string; memory: string } }>;
};

describe("resource metrics", () => {
  it("serves NodeMetrics and PodMetrics items as metrics-server does", () => {
    const e = setup();
    const nodes = nodeMetrics(e.cluster) as Item[];
    assert.deepEqual(
      nodes.map((n) => n.metadata.name),
      ["worker-1", "worker-2"],
    );
    const w1 = nodes[0]!;
    assert.equal(w1.window, "10.262s");
    assert.equal(w1.timestamp, e.cluster.timestamp());
    assert.equal(w1.metadata.labels?.["pool"], "general");
    assert.match(w1.usage!.cpu, /^\d+n$/);
    assert.match(w1.usage!.memory, /^\d+Ki$/);
    // System memory (512Mi) plus the postgres working set (900Mi).
    assert.equal(w1.usage!.memory, `${(512 + 900) * 1024}Ki`);

    const pods = podMetrics(e.cluster, "db") as Item[];
    assert.equal(pods.length, 1);
    assert.deepEqual(pods[0]!.metadata.namespace, "db");
    assert.deepEqual(pods[0]!.containers, [{ name: "postgres", usage: { cpu: "150000000n", memory: `${900 * 1024}Ki` } }]);
    const all = podMetrics(e.cluster) as Item[];
    assert.deepEqual(all.map((p) => p.metadata.name).sort(), ["postgres-0", "web-1"]);
    assert.deepEqual(
      all.find((p) => p.metadata.name === "web-1")!.containers!.map((c) => c.name),
      ["web", "sidecar"],
    );
  });

  it("leaves out nodes whose kubelet is down, and their pods", () => {
    const e = setup();
    e.cluster.mutate(R.nodes, undefined, "worker-2", (d) => void (d.metadata.annotations = { "sim.vigil.dev/kubelet": "stopped" }));
    assert.deepEqual(
      (nodeMetrics(e.cluster) as Item[]).map((n) => n.metadata.name),
      ["worker-1"],
    );
    assert.deepEqual(
      (podMetrics(e.cluster) as Item[]).map((n) => n.metadata.name),
      ["postgres-0"],
    );
    assert.throws(
      () => statsSummary(e.cluster, "worker-2"),
      (err: unknown) => err instanceof ApiError && /connection refused/.test(err.message),
    );
  });
});

describe("stats summary", () => {
  it("reports node and pod stats with the PVC volume's usage growing from its bound size", () => {
    const e = setup();
    const pvc = (): KubeObject => e.cluster.mustGet(R.pvcs, "db", "data-postgres-0");
    const summary = statsSummary(e.cluster, "worker-1") as any;
    assert.equal(summary.node.nodeName, "worker-1");
    assert.equal(summary.node.memory.workingSetBytes, (512 + 900) * MI);
    assert.equal(summary.node.memory.availableBytes, 16 * GI - (512 + 900) * MI);
    assert.equal(summary.node.fs.capacityBytes, 100 * GI);
    assert.equal(summary.pods.length, 1);
    const pod = summary.pods[0];
    assert.deepEqual(pod.podRef, { name: "postgres-0", namespace: "db", uid: e.cluster.mustGet(R.pods, "db", "postgres-0").metadata.uid });
    assert.equal(pod.containers[0].name, "postgres");
    assert.equal(pod.containers[0].memory.workingSetBytes, 900 * MI);
    assert.equal(pod.containers[0].memory.availableBytes, 2 * GI - 900 * MI);
    const [vol] = pod.volume;
    assert.equal(vol.name, "data");
    assert.deepEqual(vol.pvcRef, { name: "data-postgres-0", namespace: "db" });
    assert.equal(vol.capacityBytes, 10 * GI);
    // Bound when the PV was created, 10 s ago: 8800Mi + 20Mi/min × 10 s.
    const used = 8800 * MI + (20 * MI * 10) / 60;
    assert.equal(vol.usedBytes, Math.round(used));
    assert.equal(vol.availableBytes, 10 * GI - Math.round(used));
    assert.ok(vol.inodes > vol.inodesUsed && vol.inodesFree === vol.inodes - vol.inodesUsed);
    assert.ok(vol.usedBytes / vol.capacityBytes > 0.85);

    // Growth is capped at capacity; expanding the claim makes room again.
    e.advance(60 * 80);
    assert.equal(volumeUsage(e.cluster, pvc()).usedBytes, 10 * GI);
    e.cluster.updateStatus(R.pvcs, "db", "data-postgres-0", (d) => void (d.status.capacity = { storage: "20Gi" }));
    const expanded = (statsSummary(e.cluster, "worker-1") as any).pods[0].volume[0];
    assert.equal(expanded.capacityBytes, 20 * GI);
    assert.ok(expanded.usedBytes / expanded.capacityBytes < 0.6);
  });
});

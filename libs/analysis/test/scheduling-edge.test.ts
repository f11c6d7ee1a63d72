// The per-node checks the simulator's scheduler does not make itself (it has no NodePorts, PV node-affinity or
// ReadWriteOncePod filter), read from cluster state: a NotReady node, a cordoned one, matchFields metadata.name,
// host ports, a bound PV's node affinity, ReadWriteOncePod, and a WaitForFirstConsumer claim (no failure).
// Each contender is kept Pending by a nodeSelector no node has, so every node's breakdown is visible.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { podSchedulingResponse, schedulingExplainResponse } from "@vigil/contracts";
import { KubeSim } from "@vigil/kube-sim";
import { podScheduling } from "../src/views/scheduling.js";
import { explainScheduling } from "../src/views/scheduling-explain.js";
import { analysisContextFor, type AnalysisHarness } from "./analysis-helpers.js";

const node = (name: string, zone: string, spec: object = {}) => ({
  apiVersion: "v1",
  kind: "Node",
  metadata: { name, labels: { "kubernetes.io/hostname": name, zone } },
  spec,
  status: { capacity: { cpu: "4", memory: "8Gi", pods: "110" } },
});

const claim = (name: string, className: string, accessModes: string[], volumeName?: string) => ({
  apiVersion: "v1",
  kind: "PersistentVolumeClaim",
  metadata: { name, namespace: "edge" },
  spec: { storageClassName: className, accessModes, resources: { requests: { storage: "1Gi" } }, ...(volumeName ? { volumeName } : {}) },
});

const pod = (name: string, o: { nodeSelector?: Record<string, string>; hostPort?: number; claim?: string; affinity?: object } = {}) => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name, namespace: "edge", labels: { app: name } },
  spec: {
    containers: [
      {
        name: "app",
        image: "nginx:1.27",
        resources: { requests: { cpu: "10m", memory: "64Mi" } },
        ...(o.hostPort ? { ports: [{ containerPort: 80, hostPort: o.hostPort }] } : {}),
      },
    ],
    nodeSelector: o.nodeSelector ?? { zone: "nowhere" },
    ...(o.affinity ? { affinity: o.affinity } : {}),
    ...(o.claim ? { volumes: [{ name: "data", persistentVolumeClaim: { claimName: o.claim } }] } : {}),
  },
});

let sim: KubeSim;
let h: AnalysisHarness;

before(async () => {
  sim = await KubeSim.start({ clock: "virtual" });
  sim.load([
    node("e-1", "a"),
    node("e-2", "a", { unschedulable: true }),
    node("e-3", "b"),
    { apiVersion: "v1", kind: "Namespace", metadata: { name: "edge" } },
    {
      apiVersion: "storage.k8s.io/v1",
      kind: "StorageClass",
      metadata: { name: "fast" },
      provisioner: "ebs.csi.aws.com",
      volumeBindingMode: "Immediate",
    },
    {
      apiVersion: "storage.k8s.io/v1",
      kind: "StorageClass",
      metadata: { name: "late" },
      provisioner: "ebs.csi.aws.com",
      volumeBindingMode: "WaitForFirstConsumer",
    },
    {
      apiVersion: "v1",
      kind: "PersistentVolume",
      metadata: { name: "pv-zone-b" },
      spec: {
        capacity: { storage: "1Gi" },
        accessModes: ["ReadWriteOnce"],
        storageClassName: "manual",
        claimRef: { namespace: "edge", name: "zonal" },
        csi: { driver: "ebs.csi.aws.com", volumeHandle: "vol-b" },
        nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: "zone", operator: "In", values: ["b"] }] }] } },
      },
    },
    claim("zonal", "manual", ["ReadWriteOnce"], "pv-zone-b"),
    claim("exclusive", "fast", ["ReadWriteOncePod"]),
    claim("deferred", "late", ["ReadWriteOnce"]),
    claim("local-data", "local", ["ReadWriteOnce"]),
    {
      ...claim("local-big", "local", ["ReadWriteOnce"]),
      spec: { storageClassName: "local", accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "50Gi" } } },
    },
    {
      apiVersion: "storage.k8s.io/v1",
      kind: "StorageClass",
      metadata: { name: "local" },
      provisioner: "kubernetes.io/no-provisioner",
      volumeBindingMode: "WaitForFirstConsumer",
    },
    {
      apiVersion: "v1",
      kind: "PersistentVolume",
      metadata: { name: "pv-local-e1" },
      spec: {
        capacity: { storage: "10Gi" },
        accessModes: ["ReadWriteOnce"],
        storageClassName: "local",
        local: { path: "/mnt/disks/ssd1" },
        nodeAffinity: {
          required: { nodeSelectorTerms: [{ matchExpressions: [{ key: "kubernetes.io/hostname", operator: "In", values: ["e-1"] }] }] },
        },
      },
    },
    pod("port-holder", { nodeSelector: { "kubernetes.io/hostname": "e-1" }, hostPort: 8080 }),
    pod("exclusive-holder", { nodeSelector: { "kubernetes.io/hostname": "e-1" }, claim: "exclusive" }),
  ]);
  await sim.advance("20s");
  sim.stopKubelet("e-3");
  sim.load([
    pod("port-wanter", { hostPort: 8080 }),
    pod("zonal-user", { claim: "zonal" }),
    pod("exclusive-wanter", { claim: "exclusive" }),
    pod("deferred-user", { nodeSelector: { zone: "a" }, claim: "deferred" }),
    pod("local-user", { claim: "local-data" }),
    pod("local-big-user", { claim: "local-big" }),
    pod("by-name", {
      nodeSelector: {},
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [{ matchFields: [{ key: "metadata.name", operator: "In", values: ["e-2"] }] }],
          },
        },
      },
    }),
  ]);
  // Long enough for e-3's lease to expire (40 s) and the lifecycle controller to mark it NotReady.
  await sim.advance("60s");
  h = await analysisContextFor(sim);
});

after(async () => {
  await h?.stop();
  await sim?.stop();
});

const views = (name: string) => {
  const ctx = h.ctx();
  const s = podSchedulingResponse.parse(podScheduling(ctx, "edge", name));
  const e = schedulingExplainResponse.parse(explainScheduling(ctx, "edge", name));
  return {
    s,
    e,
    node: (n: string) => s.unschedulableNodes?.find((u) => u.nodeName === n),
    explained: (n: string) => e.nodes.find((x) => x.nodeName === n)!,
  };
};

describe("scheduling views: node state, host ports and volumes", () => {
  it("a NotReady node and a cordoned node are named as such, with counters", () => {
    const { node, e, explained } = views("port-wanter");
    assert.ok(node("e-3")!.categories.includes("NodeNotReady"), JSON.stringify(node("e-3")));
    assert.ok(node("e-3")!.reasons.includes("node is not ready"));
    assert.ok(node("e-2")!.reasons.includes("node is marked as unschedulable"));
    assert.ok(!node("e-1")!.categories.includes("NodeNotReady") && !node("e-1")!.categories.includes("NodeUnschedulable"));
    assert.equal(e.filteredByNotReady, 1);
    assert.equal(e.filteredByUnschedulable, 1);
    assert.equal(explained("e-3").ready, false);
    assert.equal(explained("e-2").schedulable, false);
  });

  it("host ports: only the node where the port is taken", () => {
    const { node } = views("port-wanter");
    assert.deepEqual(
      node("e-1")!.reasons.filter((r) => r.startsWith("host port")),
      ["host port 8080/TCP is already used by pod edge/port-holder"],
    );
    assert.ok(!node("e-2")!.categories.includes("HostPortConflict"));
  });

  it("matchFields metadata.name: only the named node matches the affinity (and it is cordoned)", () => {
    const { node, s } = views("by-name");
    assert.equal(s.status, "Pending");
    assert.deepEqual(node("e-1")!.unmatchedAffinity, ["field metadata.name In [e-2] (node has metadata.name=e-1)"]);
    assert.deepEqual(node("e-2")!.unmatchedAffinity, []);
    assert.deepEqual(node("e-2")!.categories, ["NodeUnschedulable"]);
  });

  it("a bound PV's node affinity refuses the nodes outside its zone only", () => {
    const { node, e } = views("zonal-user");
    assert.deepEqual(node("e-1")!.volumeIssues, ["PV pv-zone-b has node affinity that doesn't match this node (PVC zonal)"]);
    assert.deepEqual(node("e-3")!.volumeIssues, []);
    assert.ok(e.possibleActions.includes("Run the pod on nodes in the volume's zone (match the PV's node affinity), or move the data"));
  });

  it("ReadWriteOncePod refuses every node while another pod holds the claim", () => {
    const { s } = views("exclusive-wanter");
    const multi = s.failureSummary!.find((x) => x.category === "VolumeMultiAttachError")!;
    assert.deepEqual(multi.nodes, ["e-1", "e-2", "e-3"]);
    assert.equal(
      s.unschedulableNodes![0]!.volumeIssues[0],
      "PVC exclusive is ReadWriteOncePod and already used by pod edge/exclusive-holder",
    );
  });

  it("WaitForFirstConsumer: a provisioned class is no failure; a local class needs an Available PV on the node", () => {
    const scheduled = views("deferred-user");
    assert.equal(scheduled.s.status, "Scheduled", JSON.stringify(scheduled.s.schedulingEvents));
    assert.deepEqual(scheduled.explained(scheduled.s.nodeName!).volumes.issues, []);

    // The simulator binds a local claim to the fitting PV at once (kube-controller-manager waits for the
    // scheduler's node): either way only e-1, where pv-local-e1 lives, can take the pod.
    const local = views("local-user");
    assert.deepEqual(local.node("e-1")!.volumeIssues, []);
    assert.deepEqual(local.node("e-2")!.volumeIssues, ["PV pv-local-e1 has node affinity that doesn't match this node (PVC local-data)"]);
    // No local PV is big enough for 50Gi: no node can take it (the scheduler's "didn't find available persistent volumes to bind").
    const big = views("local-big-user");
    assert.deepEqual(big.node("e-1")!.volumeIssues, ["no available PersistentVolume of StorageClass local for PVC local-big on this node"]);
    assert.deepEqual(big.s.failureSummary!.find((x) => x.category === "PVCUnbound")!.nodes, ["e-1", "e-2", "e-3"]);
  });
});

// /scheduling and /scheduling/explain on hand-made manifests, one simulator for the file: free allocatable
// (a request that fits allocatable but not what is left, init containers counted as the scheduler does),
// ReadWriteOnce without the seed's false positive (only a real multi-attach), pod anti-affinity, Gt/Lt node
// affinity, and tolerations (an Exists toleration with no key; NoExecute; PreferNoSchedule ignored).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { V1Pod } from "@kubernetes/client-node";
import { podSchedulingResponse, schedulingExplainResponse } from "@vigil/contracts";
import { KubeSim } from "@vigil/kube-sim";
import { podScheduling } from "../src/views/scheduling.js";
import { explainScheduling } from "../src/views/scheduling-explain.js";
import { analysisContextFor, type AnalysisHarness } from "./analysis-helpers.js";

const node = (name: string, labels: Record<string, string>, taints: object[] = []) => ({
  apiVersion: "v1",
  kind: "Node",
  metadata: { name, labels: { "kubernetes.io/hostname": name, ...labels } },
  spec: { taints },
  status: { capacity: { cpu: "4", memory: "8Gi", pods: "110" } },
});

const ns = (name: string) => ({ apiVersion: "v1", kind: "Namespace", metadata: { name } });

interface PodOpts {
  memory?: string;
  initMemory?: string;
  labels?: Record<string, string>;
  nodeSelector?: Record<string, string>;
  affinity?: object;
  tolerations?: object[];
  claim?: string;
}

const pod = (namespace: string, name: string, o: PodOpts = {}) => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name, namespace, labels: o.labels ?? { app: name } },
  spec: {
    ...(o.initMemory
      ? { initContainers: [{ name: "init", image: "busybox:1.36", resources: { requests: { cpu: "10m", memory: o.initMemory } } }] }
      : {}),
    containers: [
      {
        name: "app",
        image: "nginx:1.27",
        resources: { requests: { cpu: "10m", memory: o.memory ?? "64Mi" } },
        ...(o.claim ? { volumeMounts: [{ name: "data", mountPath: "/data" }] } : {}),
      },
    ],
    ...(o.nodeSelector ? { nodeSelector: o.nodeSelector } : {}),
    ...(o.affinity ? { affinity: o.affinity } : {}),
    ...(o.tolerations ? { tolerations: o.tolerations } : {}),
    ...(o.claim ? { volumes: [{ name: "data", persistentVolumeClaim: { claimName: o.claim } }] } : {}),
  },
});

const antiAffinity = {
  podAntiAffinity: {
    requiredDuringSchedulingIgnoredDuringExecution: [
      { labelSelector: { matchLabels: { app: "solo" } }, topologyKey: "kubernetes.io/hostname" },
    ],
  },
};
const tierAffinity = (operator: "Gt" | "Lt", value: string) => ({
  nodeAffinity: {
    requiredDuringSchedulingIgnoredDuringExecution: {
      nodeSelectorTerms: [{ matchExpressions: [{ key: "tier", operator, values: [value] }] }],
    },
  },
});

let sim: KubeSim;
let h: AnalysisHarness;

before(async () => {
  sim = await KubeSim.start({ clock: "virtual" });
  // First what must be in place before the contenders arrive: nodes, the fillers, a bound claim and its user.
  sim.load([
    node("n-a", { zone: "a", tier: "3" }),
    node("n-b", { zone: "b", tier: "7" }),
    node("n-c", { zone: "c", tier: "1" }, [
      { key: "dedicated", value: "infra", effect: "NoSchedule" },
      { key: "maint", effect: "NoExecute" },
      { key: "spot", value: "true", effect: "PreferNoSchedule" },
    ]),
    ...["fill", "data", "anti", "numeric", "tol"].map(ns),
    pod("fill", "filler-a", { memory: "6Gi", nodeSelector: { "kubernetes.io/hostname": "n-a" } }),
    pod("fill", "filler-b", { memory: "6Gi", nodeSelector: { "kubernetes.io/hostname": "n-b" } }),
    {
      apiVersion: "storage.k8s.io/v1",
      kind: "StorageClass",
      metadata: { name: "std" },
      provisioner: "ebs.csi.aws.com",
      volumeBindingMode: "Immediate",
    },
    {
      apiVersion: "v1",
      kind: "PersistentVolumeClaim",
      metadata: { name: "db-data", namespace: "data" },
      spec: { storageClassName: "std", accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } },
    },
    pod("data", "db", { claim: "db-data", nodeSelector: { "kubernetes.io/hostname": "n-a" } }),
    pod("anti", "solo-1", { labels: { app: "solo" }, affinity: antiAffinity }),
    pod("anti", "solo-2", { labels: { app: "solo" }, affinity: antiAffinity }),
    pod("numeric", "gt", { affinity: tierAffinity("Gt", "5") }),
    pod("tol", "tolerant", { nodeSelector: { zone: "c" }, tolerations: [{ operator: "Exists" }] }),
  ]);
  await sim.advance("30s");
  sim.load([
    // 1Gi for the app fits the ~1.9Gi left on n-a and n-b; the 4Gi init container does not.
    pod("fill", "big", { memory: "1Gi", initMemory: "4Gi" }),
    pod("data", "db-reader", { claim: "db-data", nodeSelector: { zone: "nowhere" } }),
    pod("anti", "solo-3", { labels: { app: "solo" }, affinity: antiAffinity }),
    pod("numeric", "lt", { affinity: tierAffinity("Lt", "1") }),
    pod("tol", "picky", {
      nodeSelector: { zone: "c" },
      tolerations: [{ key: "dedicated", operator: "Equal", value: "infra", effect: "NoSchedule" }],
    }),
  ]);
  await sim.advance("30s");
  h = await analysisContextFor(sim);
});

after(async () => {
  await h?.stop();
  await sim?.stop();
});

const views = (namespace: string, name: string) => {
  const ctx = h.ctx();
  return {
    s: podSchedulingResponse.parse(podScheduling(ctx, namespace, name)),
    e: schedulingExplainResponse.parse(explainScheduling(ctx, namespace, name)),
  };
};
const nodeOf = (s: ReturnType<typeof views>["s"], name: string) => s.unschedulableNodes!.find((n) => n.nodeName === name)!;
const podIn = (namespace: string, pick: (p: V1Pod) => boolean): V1Pod => h.cache.store("Pod").list({ namespace }).find(pick)!;

describe("scheduling views on hand-made manifests", () => {
  it("compares with FREE allocatable, init containers counted: fits 8Gi allocatable, not the 1920Mi left", () => {
    const { s, e } = views("fill", "big");
    assert.equal(s.status, "Pending");
    // n-a holds filler-a (6Gi), db and a solo replica (64Mi each): 1920Mi left, and every one of them counts.
    assert.deepEqual(nodeOf(s, "n-a").insufficientResources, ["insufficient memory (requested: 4Gi, free: 1920Mi, allocatable: 8Gi)"]);
    const summary = Object.fromEntries(s.failureSummary!.map((x) => [x.category, x.nodes]));
    // n-c has the memory but not the toleration: it is credited with its taint only.
    assert.deepEqual(summary, { InsufficientMemory: ["n-a", "n-b"], TaintTolerationMismatch: ["n-c"] });
    assert.deepEqual(nodeOf(s, "n-c").insufficientResources, []);
    assert.equal(e.podRequests["memory"], "4Gi");
    const mem = e.nodes.find((n) => n.nodeName === "n-b")!.resources.items.find((i) => i.resource === "memory")!;
    assert.deepEqual(mem, {
      resource: "memory",
      requested: "4Gi",
      allocatable: "8Gi",
      alreadyRequested: "6272Mi",
      free: "1920Mi",
      fits: false,
      shortfall: "2176Mi",
    });
    assert.ok(e.possibleActions.includes("Reduce pod memory request by at least 2176Mi"), e.possibleActions.join("\n"));
  });

  it("ReadWriteOnce: no problem for the pod using it, a multi-attach only on the OTHER nodes for a second user", () => {
    const db = views("data", "db");
    assert.equal(db.s.status, "Scheduled");
    assert.ok(!db.s.schedulingReasons.some((r) => r.includes("no longer")), db.s.schedulingReasons.join("; "));
    assert.equal(db.e.nodes[0]!.volumes.fits, true);
    assert.equal(db.e.filteredByVolumes, 0);

    const { s, e } = views("data", "db-reader");
    assert.equal(s.status, "Pending");
    assert.deepEqual(nodeOf(s, "n-a").volumeIssues, [], "the node where the volume is attached is fine");
    assert.deepEqual(nodeOf(s, "n-a").categories, ["NodeAffinityNotMatch"]);
    assert.match(
      nodeOf(s, "n-b").volumeIssues[0]!,
      /^PVC db-data \(ReadWriteOnce\) is in use by pod data\/db on node n-a: attaching it here would fail/,
    );
    assert.equal(e.filteredByVolumes, 2);
    const multi = s.failureSummary!.find((x) => x.category === "VolumeMultiAttachError")!;
    assert.deepEqual(multi.nodes, ["n-b", "n-c"]);
    assert.equal(multi.countSource, "analysis", "the scheduler does not filter on RWO: the count is ours");
  });

  it("pod anti-affinity: the third replica has no node left, each node named for what it fails", () => {
    const pending = podIn("anti", (p) => !p.spec?.nodeName);
    const { s, e } = views("anti", pending.metadata!.name!);
    const summary = Object.fromEntries(s.failureSummary!.map((x) => [x.category, { count: x.count, nodes: x.nodes }]));
    assert.deepEqual(summary, {
      PodAffinityConflict: { count: 2, nodes: ["n-a", "n-b"] },
      TaintTolerationMismatch: { count: 1, nodes: ["n-c"] },
    });
    assert.match(s.schedulerVerdict!.message, /2 node\(s\) didn't match pod anti-affinity rules/);
    assert.match(
      nodeOf(s, "n-a").podAffinityConflicts[0]!,
      /^pod anti-affinity \{app=solo\} topologyKey=kubernetes.io\/hostname: pod anti\/solo-\d already runs in kubernetes.io\/hostname=n-a$/,
    );
    assert.equal(e.filteredByPodAffinity, 2);
    assert.ok(e.possibleActions.includes("Relax the pod's required pod affinity/anti-affinity, or add nodes in other topology domains"));
  });

  it("Gt and Lt compare integers: tier Gt 5 lands on n-b (7), tier Lt 1 matches no node", () => {
    const gt = views("numeric", "gt");
    assert.equal(gt.s.status, "Scheduled");
    assert.equal(gt.s.nodeName, "n-b");
    assert.ok(gt.s.schedulingReasons.includes("Node n-b matched the pod's required node affinity"));

    const { s, e } = views("numeric", "lt");
    assert.equal(s.status, "Pending");
    assert.deepEqual(nodeOf(s, "n-a").unmatchedAffinity, ["tier Lt [1] (node has tier=3)"]);
    assert.deepEqual(nodeOf(s, "n-c").unmatchedAffinity, ["tier Lt [1] (node has tier=1)"]);
    assert.equal(e.filteredByAffinity, 3);
  });

  it("tolerations: Exists with no key tolerates everything; NoExecute must be tolerated; PreferNoSchedule never blocks", () => {
    const ok = views("tol", "tolerant");
    assert.equal(ok.s.nodeName, "n-c");
    assert.ok(
      ok.s.schedulingReasons.includes("Pod tolerates the node's taints (dedicated=infra:NoSchedule, maint:NoExecute)"),
      ok.s.schedulingReasons.join("; "),
    );

    const { s, e } = views("tol", "picky");
    assert.equal(s.status, "Pending");
    assert.deepEqual(nodeOf(s, "n-c").untoleratedTaints, ["maint:NoExecute"]);
    const c = e.nodes.find((n) => n.nodeName === "n-c")!;
    assert.deepEqual(c.taints, { fits: false, untolerated: ["maint:NoExecute"], tolerated: ["dedicated=infra:NoSchedule"] });
    assert.ok(e.possibleActions.includes("Add tolerations for node taints to the pod spec (maint:NoExecute)"));
  });
});

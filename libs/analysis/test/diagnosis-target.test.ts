// From an alert to its target, owner chain, owner and scope, against the simulator's healthy shop: every
// kind of target the alert labels name, the objects around a pod, the cap on pods, and the API fallback for
// an owner the cache does not hold.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { KubernetesObject } from "@kubernetes/client-node";
import type { AlertMessage, ResourceRef } from "@vigil/contracts";
import { KubeSim, type Pod } from "@vigil/kube-sim";
import { buildScope } from "../src/diagnosis/scope.js";
import { CLUSTER_REF, resolveTarget } from "../src/diagnosis/resolve-target.js";
import { analysisContextFor, type AnalysisHarness } from "./analysis-helpers.js";
import { alertMessageFor } from "@vigil/acceptance";

const alertWith = (labels: Record<string, string>): AlertMessage =>
  alertMessageFor({ labels: { alertname: "Test", ...labels }, annotations: {} }, new Date());
const keys = (objects: readonly KubernetesObject[]): string[] =>
  objects.map((o) => `${o.kind}/${o.metadata?.namespace ?? ""}/${o.metadata?.name ?? ""}`);
const podOf = (sim: KubeSim, ns: string, prefix: string): string => {
  const pod = sim.list<Pod>("Pod", ns).find((p) => (p.metadata.name ?? "").startsWith(prefix));
  if (!pod?.metadata.name) throw new Error(`no ${ns}/${prefix}* pod`);
  return pod.metadata.name;
};

describe("resolving targets in the healthy shop", () => {
  let sim: KubeSim;
  let h: AnalysisHarness;
  before(async () => {
    sim = await KubeSim.start({ scenario: "healthy", clock: "virtual" });
    h = await analysisContextFor(sim);
  });
  after(async () => {
    await h.stop();
    await sim.stop();
  });

  test("a container of a Deployment's pod: Pod → ReplicaSet → Deployment, the container kept on the target only", async () => {
    const name = podOf(sim, "shop", "web-");
    const r = await resolveTarget(alertWith({ namespace: "shop", pod: name, container: "web" }), h.cache);
    assert.equal(r.exists, true);
    assert.deepEqual(r.target, { kind: "Pod", name, namespace: "shop", container: "web" });
    assert.deepEqual(
      r.ownerChain.map((x) => x.kind),
      ["Pod", "ReplicaSet", "Deployment"],
    );
    assert.equal(r.ownerChain[0]!.container, "web");
    assert.deepEqual(r.owner, { kind: "Deployment", name: "web", namespace: "shop" });
    assert.equal(r.incomplete, undefined);

    const scope = buildScope(r, h.cache);
    const k = keys(scope.objects);
    assert.equal(k[0], `Pod/shop/${name}`, "the target first");
    for (const expected of ["Deployment/shop/web", "Service/shop/web", "PodDisruptionBudget/shop/web"])
      assert.ok(k.includes(expected), `${expected} in ${k.join(", ")}`);
    assert.equal(scope.pods.length, 3, "the Deployment's three pods");
    assert.ok(k.some((x) => x.startsWith("Node//worker-")));
    assert.ok(!k.some((x) => x.includes("/api") || x.includes("postgres")), "nothing of other workloads");
  });

  test("a PVC belongs to the StatefulSet whose pod mounts it; the scope has its volume and class", async () => {
    const r = await resolveTarget(alertWith({ namespace: "shop", persistentvolumeclaim: "data-postgres-0" }), h.cache);
    assert.deepEqual(r.ownerChain, [
      { kind: "PersistentVolumeClaim", name: "data-postgres-0", namespace: "shop" },
      { kind: "StatefulSet", name: "postgres", namespace: "shop" },
    ]);
    assert.deepEqual(r.owner, { kind: "StatefulSet", name: "postgres", namespace: "shop" });
    const k = keys(buildScope(r, h.cache).objects);
    assert.ok(k.includes("Pod/shop/postgres-0"));
    assert.ok(k.includes("StorageClass//standard"), k.join(", "));
    assert.ok(
      k.some((x) => x.startsWith("PersistentVolume//")),
      k.join(", "),
    );
  });

  test("an HPA belongs to the Deployment it scales; a Service and a PDB to the workload they select", async () => {
    const hpa = await resolveTarget(alertWith({ namespace: "shop", horizontalpodautoscaler: "api" }), h.cache);
    assert.deepEqual(hpa.owner, { kind: "Deployment", name: "api", namespace: "shop" });
    assert.ok(keys(buildScope(hpa, h.cache).objects).includes("HorizontalPodAutoscaler/shop/api"));
    const svc = await resolveTarget(alertWith({ namespace: "shop", service: "web" }), h.cache);
    assert.deepEqual(svc.owner, { kind: "Deployment", name: "web", namespace: "shop" });
    const pdb = await resolveTarget(alertWith({ namespace: "shop", poddisruptionbudget: "web" }), h.cache);
    assert.deepEqual(pdb.target, { kind: "PodDisruptionBudget", name: "web", namespace: "shop" });
    assert.deepEqual(pdb.owner, { kind: "Deployment", name: "web", namespace: "shop" });
  });

  test("a DaemonSet's pod belongs to the DaemonSet; a node is its own owner and its scope is its pods", async () => {
    const ds = await resolveTarget(alertWith({ namespace: "monitoring", pod: podOf(sim, "monitoring", "node-exporter-") }), h.cache);
    assert.deepEqual(ds.owner, { kind: "DaemonSet", name: "node-exporter", namespace: "monitoring" });
    const node = await resolveTarget(alertWith({ node: "worker-1" }), h.cache);
    assert.deepEqual(node.owner, { kind: "Node", name: "worker-1" });
    const scope = buildScope(node, h.cache);
    assert.ok(scope.pods.length > 0);
    assert.ok(scope.pods.every((p) => p.spec?.nodeName === "worker-1"));
    assert.ok(!keys(scope.objects).some((x) => x.startsWith("Service/")), "a node's scope is the node and its pods");
  });

  test("targetless alerts: the namespace, else the cluster", async () => {
    const ns = await resolveTarget(alertWith({ namespace: "shop", resourcequota: "compute" }), h.cache);
    assert.deepEqual(ns, { exists: true, ownerChain: [], owner: { kind: "Namespace", name: "shop" }, ownerObjects: [] });
    assert.ok(buildScope(ns, h.cache).pods.length >= 6, "the namespace's pods");
    const cluster = await resolveTarget(alertWith({ job: "apiserver" }), h.cache);
    assert.deepEqual(cluster.owner, CLUSTER_REF);
    assert.deepEqual(keys(buildScope(cluster, h.cache).objects).sort(), ["Node//worker-1", "Node//worker-2", "Node//worker-3"]);
  });

  test("an object that does not exist: exists false, owner the target itself", async () => {
    const r = await resolveTarget(alertWith({ namespace: "shop", deployment: "gone" }), h.cache);
    const gone: ResourceRef = { kind: "Deployment", name: "gone", namespace: "shop" };
    assert.deepEqual(r, { target: gone, exists: false, ownerChain: [gone], owner: gone, ownerObjects: [] });
  });

  test("an owner the cache does not hold is read from the API server, unless lookups are off", async () => {
    const podsOnly = await analysisContextFor(sim, { kinds: ["Pod", "Event"] });
    try {
      const alert = alertWith({ namespace: "shop", pod: podOf(sim, "shop", "web-") });
      const cacheOnly = await resolveTarget(alert, podsOnly.cache, { apiFallback: false });
      assert.equal(cacheOnly.owner.kind, "ReplicaSet");
      assert.match(cacheOnly.incomplete ?? "", /not found in the cache/);
      const withApi = await resolveTarget(alert, podsOnly.cache);
      assert.deepEqual(withApi.owner, { kind: "Deployment", name: "web", namespace: "shop" });
      assert.equal(withApi.incomplete, undefined);
    } finally {
      await podsOnly.stop();
    }
  });
});

describe("a bounded scope", () => {
  let sim: KubeSim;
  let h: AnalysisHarness;
  before(async () => {
    sim = await KubeSim.start({ scenario: "image-pull-backoff", clock: "virtual" });
    h = await analysisContextFor(sim);
  });
  after(async () => {
    await h.stop();
    await sim.stop();
  });

  test("past the cap, the unhealthy pods are the ones analyzed", async () => {
    const r = await resolveTarget(alertWith({ namespace: "shop", deployment: "catalog" }), h.cache);
    const all = buildScope(r, h.cache);
    assert.equal(all.pods.length, 4);
    assert.equal(all.podsOmitted, 0);
    const capped = buildScope(r, h.cache, { maxPods: 2, maxPerKind: 50 });
    assert.equal(capped.pods.length, 2);
    assert.equal(capped.podsOmitted, 2);
    assert.equal(capped.pods[0]!.status?.phase, "Pending", "the ImagePullBackOff pod comes first");
  });
});

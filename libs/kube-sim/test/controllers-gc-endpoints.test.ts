// Garbage collection of dependents and of deleted namespaces' contents, and Endpoints built from the pods a
// Service selects. Pods are made ready by a stand-in for the kubelet (markReady).
import { test } from "node:test";
import assert from "node:assert/strict";
import { R } from "../src/api/resources.js";
import { DeploymentController } from "../src/controllers/deployment.js";
import { ReplicaSetController } from "../src/controllers/replicaset.js";
import { GarbageCollector } from "../src/controllers/garbage-collector.js";
import { EndpointsController } from "../src/controllers/endpoints.js";
import type { KubeObject, Pod } from "../src/types.js";
import { deploymentManifest, env, markReady, markUnready, podsWith } from "./controllers-helpers.js";

test("deleting a Deployment collects its ReplicaSets and then their pods", () => {
  const e = env([new GarbageCollector(), new DeploymentController(), new ReplicaSetController()]);
  e.cluster.create(R.deployments, deploymentManifest("web"));
  e.cluster.create(R.deployments, deploymentManifest("api"));
  e.settle();
  assert.equal(e.cluster.list(R.pods).length, 6);
  e.cluster.delete(R.deployments, "default", "web");
  e.settle();
  assert.equal(e.cluster.list(R.replicasets).length, 1);
  assert.deepEqual(new Set(e.cluster.list<Pod>(R.pods).map((p) => p.metadata.labels!.app)), new Set(["api"]));
});

test("orphan deletion keeps the dependents; a dangling reference beside a live owner is removed", () => {
  const e = env([new GarbageCollector(), new DeploymentController(), new ReplicaSetController()]);
  e.cluster.create(R.deployments, deploymentManifest("web", { replicas: 2 }));
  e.settle();
  e.cluster.delete(R.deployments, "default", "web", { propagationPolicy: "Orphan" });
  e.settle();
  assert.equal(e.cluster.list(R.replicasets).length, 1);
  assert.equal(e.cluster.list(R.pods).length, 2);
  const cm = e.cluster.create(R.configmaps, { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "owner", namespace: "default" } });
  e.cluster.create(R.configmaps, {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: {
      name: "dependent",
      namespace: "default",
      ownerReferences: [
        { apiVersion: "v1", kind: "ConfigMap", name: "owner", uid: cm.metadata.uid! },
        { apiVersion: "v1", kind: "ConfigMap", name: "gone", uid: "00000000-0000-0000-0000-000000000000" },
      ],
    },
  });
  e.settle();
  assert.deepEqual(
    e.cluster.mustGet(R.configmaps, "default", "dependent").metadata.ownerReferences!.map((r) => r.name),
    ["owner"],
  );
  e.cluster.delete(R.configmaps, "default", "owner");
  e.settle();
  assert.equal(e.cluster.get(R.configmaps, "default", "dependent"), undefined);
});

test("deleting a namespace removes everything in it", () => {
  const e = env([new GarbageCollector(), new DeploymentController(), new ReplicaSetController()], ["default", "shop"]);
  e.cluster.create(R.deployments, { ...deploymentManifest("web"), metadata: { name: "web", namespace: "shop" } });
  e.cluster.create(R.configmaps, { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "cfg", namespace: "shop" } });
  e.cluster.create(R.deployments, deploymentManifest("keep", { replicas: 1 }));
  e.settle();
  e.cluster.delete(R.namespaces, undefined, "shop");
  e.settle();
  for (const key of [R.deployments, R.replicasets, R.pods, R.configmaps]) assert.equal(e.cluster.list(key, "shop").length, 0, key);
  assert.equal(e.cluster.list(R.pods, "default").length, 1);
});

const service = (spec: Record<string, unknown>): KubeObject => ({
  apiVersion: "v1",
  kind: "Service",
  metadata: { name: "web", namespace: "default", labels: { app: "web" } },
  spec: {
    selector: { app: "web" },
    ports: [
      { name: "http", port: 80, targetPort: "http" },
      { name: "metrics", port: 9090, targetPort: 9090 },
    ],
    ...spec,
  },
});

test("Endpoints list ready pods under addresses and the others under notReadyAddresses", () => {
  const e = env([new DeploymentController(), new ReplicaSetController(), new EndpointsController()]);
  e.cluster.create(R.deployments, deploymentManifest("web", { replicas: 3 }));
  e.cluster.create(R.services, service({}));
  e.settle();
  // Pods without an IP are not listed at all.
  assert.equal(e.cluster.mustGet(R.endpoints, "default", "web").subsets, undefined);
  const [a, b, c] = podsWith(e.cluster, { app: "web" });
  markReady(e.cluster, a!, "node-1");
  markReady(e.cluster, b!, "node-2");
  markUnready(e.cluster, c!);
  e.settle();
  const ep = e.cluster.mustGet(R.endpoints, "default", "web");
  assert.equal(ep.metadata.labels!.app, "web");
  const subsets = ep.subsets as any[];
  assert.equal(subsets.length, 1);
  const ready = [a!, b!].map((p) => e.cluster.mustGet<Pod>(R.pods, "default", p.metadata.name!));
  const unready = e.cluster.mustGet<Pod>(R.pods, "default", c!.metadata.name!);
  assert.deepEqual(
    subsets[0].addresses,
    ready
      .map((p) => ({
        ip: p.status!.podIP,
        nodeName: p.spec.nodeName,
        targetRef: { kind: "Pod", namespace: "default", name: p.metadata.name, uid: p.metadata.uid },
      }))
      .sort((x, y) => (x.ip! < y.ip! ? -1 : 1)),
  );
  assert.deepEqual(
    subsets[0].notReadyAddresses.map((x: any) => x.targetRef.name),
    [unready.metadata.name],
  );
  // The named targetPort resolves to the container port called "http".
  assert.deepEqual(subsets[0].ports, [
    { name: "http", port: 8080, protocol: "TCP" },
    { name: "metrics", port: 9090, protocol: "TCP" },
  ]);

  e.cluster.delete(R.services, "default", "web");
  e.settle();
  assert.equal(e.cluster.get(R.endpoints, "default", "web"), undefined);
});

test("Endpoints of Services without a selector are left to their owner", () => {
  const e = env([new EndpointsController()]);
  e.cluster.create(R.services, {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: "db", namespace: "default" },
    spec: { ports: [{ port: 5432 }] },
  });
  e.cluster.create(R.endpoints, {
    apiVersion: "v1",
    kind: "Endpoints",
    metadata: { name: "db", namespace: "default" },
    subsets: [{ addresses: [{ ip: "192.168.1.10" }], ports: [{ port: 5432 }] }],
  });
  e.settle();
  assert.equal((e.cluster.mustGet(R.endpoints, "default", "db").subsets as any[])[0].addresses[0].ip, "192.168.1.10");
});

// Drives the simulator with @kubernetes/client-node exactly as Vigil's services do.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { DiscoveryV1Api, Metrics, PatchStrategy, VersionApi, makeInformer, setHeaderOptions, type V1Pod } from "@kubernetes/client-node";
import { waitFor } from "@vigil/testing";
import type { KubeSim } from "../src/index.js";
import { apiError, clientsFor, deployment, nodes, startSim } from "./sim-helpers.js";

let sim: KubeSim;
let c: ReturnType<typeof clientsFor>;

before(async () => {
  sim = await startSim();
  sim.load(nodes(3));
  c = clientsFor(sim);
});
after(() => sim.stop());

const podsOf = async (app: string, namespace = "default") =>
  (await c.core.listNamespacedPod({ namespace, labelSelector: `app=${app}` })).items;

test("version and discovery", async () => {
  const v = await c.kc.makeApiClient(VersionApi).getCode();
  assert.equal(v.major, "1");
  const res = await fetch(`${sim.url}/apis/apps/v1`);
  const list = (await res.json()) as { resources: Array<{ name: string; kind: string; namespaced: boolean }> };
  assert.ok(list.resources.some((r) => r.name === "deployments" && r.kind === "Deployment" && r.namespaced));
  assert.ok(list.resources.some((r) => r.name === "deployments/scale"));
});

test("discovery.k8s.io/v1 EndpointSlices are stored and listed", async () => {
  const discovery = c.kc.makeApiClient(DiscoveryV1Api);
  const group = (await (await fetch(`${sim.url}/apis/discovery.k8s.io/v1`)).json()) as { resources: Array<{ name: string; kind: string }> };
  assert.ok(group.resources.some((r) => r.name === "endpointslices" && r.kind === "EndpointSlice"));
  await discovery.createNamespacedEndpointSlice({
    namespace: "default",
    body: {
      metadata: { name: "web-abc12", labels: { "kubernetes.io/service-name": "web" } },
      addressType: "IPv4",
      endpoints: [{ addresses: ["10.0.0.7"], conditions: { ready: true } }],
      ports: [{ name: "http", port: 8080, protocol: "TCP" }],
    },
  });
  const slices = await discovery.listNamespacedEndpointSlice({ namespace: "default", labelSelector: "kubernetes.io/service-name=web" });
  assert.deepEqual(
    slices.items.map((s) => [s.metadata?.name, s.endpoints[0]?.addresses]),
    [["web-abc12", ["10.0.0.7"]]],
  );
});

test("create, get, list with selectors, optimistic concurrency and delete", async () => {
  await c.core.createNamespace({ body: { metadata: { name: "crud" } } });
  const cm = await c.core.createNamespacedConfigMap({
    namespace: "crud",
    body: { metadata: { name: "app", labels: { tier: "web" } }, data: { a: "1" } },
  });
  assert.ok(cm.metadata?.uid && cm.metadata.resourceVersion);
  await c.core.createNamespacedConfigMap({ namespace: "crud", body: { metadata: { name: "other", labels: { tier: "db" } }, data: {} } });

  const got = await c.core.readNamespacedConfigMap({ name: "app", namespace: "crud" });
  assert.deepEqual(got.data, { a: "1" });
  const web = await c.core.listNamespacedConfigMap({ namespace: "crud", labelSelector: "tier in (web,api)" });
  assert.deepEqual(
    web.items.map((i) => i.metadata?.name),
    ["app"],
  );
  const byName = await c.core.listNamespacedConfigMap({ namespace: "crud", fieldSelector: "metadata.name=other" });
  assert.deepEqual(
    byName.items.map((i) => i.metadata?.name),
    ["other"],
  );
  // The API server's choice for an invalid selector: 400 with apimachinery's message (the scheduler's is "nothing").
  const badSelector = await apiError(c.core.listNamespacedConfigMap({ namespace: "crud", labelSelector: "tier in web" }));
  assert.equal(badSelector.code, 400);
  assert.match(badSelector.status.message!, /unable to parse requirement: found 'web', expected: '\('/);

  const dup = await apiError(c.core.createNamespacedConfigMap({ namespace: "crud", body: { metadata: { name: "app" } } }));
  assert.equal(dup.code, 409);
  assert.equal(dup.status.reason, "AlreadyExists");

  await c.core.replaceNamespacedConfigMap({ name: "app", namespace: "crud", body: { ...got, data: { a: "2" } } });
  const stale = await apiError(c.core.replaceNamespacedConfigMap({ name: "app", namespace: "crud", body: { ...got, data: { a: "3" } } }));
  assert.equal(stale.code, 409);
  assert.equal(stale.status.reason, "Conflict");
  assert.match(stale.status.message!, /the object has been modified/);

  await c.core.deleteNamespacedConfigMap({ name: "app", namespace: "crud" });
  const gone = await apiError(c.core.readNamespacedConfigMap({ name: "app", namespace: "crud" }));
  assert.equal(gone.code, 404);
  assert.equal(gone.status.message, 'configmaps "app" not found');
});

test("validation errors are 422 Invalid with causes", async () => {
  const bad = deployment("mismatch");
  bad.spec.selector.matchLabels = { app: "other" };
  const err = await apiError(c.apps.createNamespacedDeployment({ namespace: "default", body: bad }));
  assert.equal(err.code, 422);
  assert.equal(err.status.reason, "Invalid");
  assert.match(err.status.message!, /`selector` does not match template `labels`/);
  const missingNs = await apiError(c.core.createNamespacedConfigMap({ namespace: "nope", body: { metadata: { name: "x" } } }));
  assert.equal(missingNs.code, 404);
});

test("the three patch types, and dry run", async () => {
  await c.apps.createNamespacedDeployment({ namespace: "default", body: deployment("patchme") });
  const smp = await c.apps.patchNamespacedDeployment(
    {
      name: "patchme",
      namespace: "default",
      body: {
        spec: { template: { spec: { containers: [{ name: "app", image: "nginx:1.28", resources: { limits: { memory: "256Mi" } } }] } } },
      },
    },
    setHeaderOptions("Content-Type", PatchStrategy.StrategicMergePatch),
  );
  const containers = smp.spec!.template.spec!.containers;
  assert.deepEqual(
    containers.map((x) => [x.name, x.image]),
    [
      ["app", "nginx:1.28"],
      ["sidecar", "envoyproxy/envoy:v1.31.0"],
    ],
  );
  assert.equal(containers[0]!.resources!.limits!.memory, "256Mi");

  const merge = await c.apps.patchNamespacedDeployment(
    { name: "patchme", namespace: "default", body: { metadata: { labels: { team: "payments" } } } },
    setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
  );
  assert.equal(merge.metadata!.labels!.team, "payments");

  const json = await c.apps.patchNamespacedDeployment(
    {
      name: "patchme",
      namespace: "default",
      body: [{ op: "replace", path: "/spec/template/spec/containers/0/resources/limits/memory", value: "512Mi" }],
    },
    setHeaderOptions("Content-Type", PatchStrategy.JsonPatch),
  );
  assert.equal(json.spec!.template.spec!.containers[0]!.resources!.limits!.memory, "512Mi");
  assert.equal(json.metadata!.generation, 3);

  const dry = await c.apps.patchNamespacedDeployment(
    { name: "patchme", namespace: "default", dryRun: "All", body: { spec: { replicas: 7 } } },
    setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
  );
  assert.equal(dry.spec!.replicas, 7);
  const stored = await c.apps.readNamespacedDeployment({ name: "patchme", namespace: "default" });
  assert.equal(stored.spec!.replicas, 2);
  const dryCreate = await c.core.createNamespacedConfigMap({ namespace: "default", dryRun: "All", body: { metadata: { name: "dry" } } });
  assert.equal(dryCreate.metadata!.name, "dry");
  assert.equal((await apiError(c.core.readNamespacedConfigMap({ name: "dry", namespace: "default" }))).code, 404);
  const invalidPatch = await apiError(
    c.apps.patchNamespacedDeployment(
      { name: "patchme", namespace: "default", body: [{ op: "test", path: "/spec/replicas", value: 9 }] },
      setHeaderOptions("Content-Type", PatchStrategy.JsonPatch),
    ),
  );
  assert.equal(invalidPatch.code, 422);
});

test("scale subresource creates and removes pods", async () => {
  await c.apps.createNamespacedDeployment({ namespace: "default", body: deployment("scaled", { replicas: 1 }) });
  await waitFor(async () => (await podsOf("scaled")).length === 1, { message: "1 pod" });
  const scale = await c.apps.readNamespacedDeploymentScale({ name: "scaled", namespace: "default" });
  assert.equal(scale.spec!.replicas, 1);
  assert.equal(scale.status!.selector, "app=scaled");
  await c.apps.patchNamespacedDeploymentScale(
    { name: "scaled", namespace: "default", body: { spec: { replicas: 4 } } },
    setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
  );
  await waitFor(async () => (await podsOf("scaled")).length === 4, { message: "4 pods" });
  await c.apps.replaceNamespacedDeploymentScale({
    name: "scaled",
    namespace: "default",
    body: { metadata: { name: "scaled", namespace: "default" }, spec: { replicas: 2 } },
  });
  await waitFor(async () => (await podsOf("scaled")).length === 2, { message: "2 pods" });
  await sim.advance("30s");
  const pods = await podsOf("scaled");
  assert.ok(
    pods.every((p) => p.status?.phase === "Running" && p.spec?.nodeName),
    "pods are scheduled and running",
  );
  const byNode = await c.core.listPodForAllNamespaces({ fieldSelector: `spec.nodeName=${pods[0]!.spec!.nodeName},status.phase=Running` });
  assert.ok(byNode.items.some((p) => p.metadata!.name === pods[0]!.metadata!.name));
});

test("eviction honours PodDisruptionBudgets (429) and succeeds when allowed", async () => {
  await c.apps.createNamespacedDeployment({ namespace: "default", body: deployment("guarded", { replicas: 2 }) });
  await sim.advance("30s");
  await c.policy.createNamespacedPodDisruptionBudget({
    namespace: "default",
    body: { metadata: { name: "guarded" }, spec: { minAvailable: 2, selector: { matchLabels: { app: "guarded" } } } },
  });
  const [pod] = await podsOf("guarded");
  const name = pod!.metadata!.name!;
  const refused = await apiError(
    c.core.createNamespacedPodEviction({ name, namespace: "default", body: { metadata: { name, namespace: "default" } } }),
  );
  assert.equal(refused.code, 429);
  assert.equal(refused.status.reason, "TooManyRequests");
  assert.equal(refused.status.details.causes[0].reason, "DisruptionBudget");
  assert.equal(refused.status.details.causes[0].message, "The disruption budget guarded needs 2 healthy pods and has 2 currently");

  await c.policy.patchNamespacedPodDisruptionBudget(
    { name: "guarded", namespace: "default", body: { spec: { minAvailable: 1 } } },
    setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
  );
  await c.core.createNamespacedPodEviction({ name, namespace: "default", body: { metadata: { name, namespace: "default" } } });
  assert.equal((await apiError(c.core.readNamespacedPod({ name, namespace: "default" }))).code, 404);
  await waitFor(async () => (await podsOf("guarded")).length === 2, { message: "replacement pod" });
});

test("informer sees adds, updates and deletes, and resumes after dropped connections and compaction", async () => {
  await c.core.createNamespace({ body: { metadata: { name: "watched" } } });
  const selector = "role=watched";
  let listCalls = 0;
  const seenLists = () => listCalls;
  const informer = makeInformer(
    c.kc,
    "/api/v1/namespaces/watched/configmaps",
    () => {
      listCalls++;
      return c.core.listNamespacedConfigMap({ namespace: "watched", labelSelector: selector });
    },
    selector,
  );
  const labels = { role: "watched" };
  const seen: string[] = [];
  informer.on("add", (o) => seen.push(`add ${o.metadata!.name}`));
  informer.on("update", (o) => seen.push(`update ${o.metadata!.name} ${(o as { data?: Record<string, string> }).data?.v}`));
  informer.on("delete", (o) => seen.push(`delete ${o.metadata!.name}`));
  // As production code does: restart after errors (client-node does not on its own), after a reconnect delay.
  let stopped = false;
  informer.on("error", () => setTimeout(() => stopped || void informer.start(), 20));
  await informer.start();
  try {
    await c.core.createNamespacedConfigMap({ namespace: "watched", body: { metadata: { name: "a", labels }, data: { v: "1" } } });
    await c.core.patchNamespacedConfigMap(
      { name: "a", namespace: "watched", body: { data: { v: "2" } } },
      setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
    );
    await c.core.deleteNamespacedConfigMap({ name: "a", namespace: "watched" });
    await waitFor(() => seen.length >= 3, { message: "three events" });
    assert.deepEqual(seen, ["add a", "update a 2", "delete a"]);

    // A dropped connection: changes made while disconnected arrive after the informer resumes.
    assert.ok(sim.dropWatches() >= 1);
    await c.core.createNamespacedConfigMap({ namespace: "watched", body: { metadata: { name: "b", labels }, data: { v: "1" } } });
    await waitFor(() => seen.includes("add b"), { message: "b after reconnect" });
    assert.equal(informer.list("watched").length, 1);

    // History compacted while disconnected: 410 Gone, then a relist brings the cache up to date.
    // All synchronous, before the informer's reconnect timer fires: the change is only in the compacted history.
    const lists = seenLists();
    sim.dropWatches();
    sim.load([{ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c", namespace: "watched", labels }, data: { v: "1" } }]);
    sim.compact();
    await waitFor(() => seen.includes("add c"), { message: "c after relist" });
    assert.ok(seenLists() > lists, "the informer relisted after 410 Gone");
    assert.deepEqual(
      informer
        .list("watched")
        .map((o) => o.metadata!.name)
        .sort(),
      ["b", "c"],
    );
  } finally {
    stopped = true;
    await informer.stop();
  }
});

test("a watch from a compacted resourceVersion answers 410 Expired", async () => {
  const rv = Number((await c.core.listNamespacedConfigMap({ namespace: "default" })).metadata!.resourceVersion);
  await c.core.createNamespacedConfigMap({ namespace: "default", body: { metadata: { name: "after-compaction" } } });
  sim.compact();
  const res = await fetch(`${sim.url}/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=${rv}`);
  const line = JSON.parse((await res.text()).trim()) as { type: string; object: { code: number; reason: string } };
  assert.equal(line.type, "ERROR");
  assert.equal(line.object.code, 410);
  assert.equal(line.object.reason, "Expired");
});

test("metrics.k8s.io serves node and pod usage", async () => {
  await c.apps.createNamespacedDeployment({
    namespace: "default",
    body: deployment("measured", {
      replicas: 1,
      annotations: { "sim.vigil.dev/memory-demand": "100Mi", "sim.vigil.dev/cpu-demand": "80m" },
    }),
  });
  await sim.advance("30s");
  const metrics = new Metrics(c.kc);
  const nodeMetrics = await metrics.getNodeMetrics();
  assert.equal(nodeMetrics.items.length, 3);
  assert.ok(nodeMetrics.items.every((n) => /^\d+n$/.test(n.usage.cpu) && /^\d+Ki$/.test(n.usage.memory)));
  const podMetrics = await metrics.getPodMetrics("default");
  const measured = podMetrics.items.find((p) => p.metadata.name.startsWith("measured-"));
  assert.ok(measured, "the running pod has metrics");
  const app = measured.containers.find((x) => x.name === "app")!;
  assert.equal(app.usage.memory, `${100 * 1024}Ki`);
  assert.equal(app.usage.cpu, `${80_000_000}n`);
});

test("pod logs, including the previous container", async () => {
  await c.apps.createNamespacedDeployment({
    namespace: "default",
    body: deployment("crasher", {
      replicas: 1,
      annotations: { "sim.vigil.dev/crash-exit-code.app": "2", "sim.vigil.dev/crash-log.app": "panic: nil map" },
    }),
  });
  await sim.advance("1m");
  const [pod] = await podsOf("crasher");
  const previous = await c.core.readNamespacedPodLog({
    name: pod!.metadata!.name!,
    namespace: "default",
    container: "app",
    previous: true,
  });
  assert.match(previous, /panic: nil map/);
  const status = (pod as V1Pod).status!.containerStatuses!.find((s) => s.name === "app")!;
  assert.ok(status.restartCount >= 1);
  const noContainer = await apiError(c.core.readNamespacedPodLog({ name: pod!.metadata!.name!, namespace: "default" }));
  assert.equal(noContainer.code, 400);
  assert.match(noContainer.status.message!, /a container name must be specified/);
});

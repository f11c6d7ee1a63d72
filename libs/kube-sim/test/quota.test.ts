// ResourceQuota and LimitRange at admission, in the API server's words, and the quota controller's status.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import type { KubeObject, KubeSim, Pod } from "../src/index.js";
import { apiError, clientsFor, nodes, startSim } from "./sim-helpers.js";
import { kubectlFor, kubectlMissing, type Kubectl } from "./kubectl-helpers.js";

let sim: KubeSim;
let kubectl: Kubectl | undefined;
let missing: string | undefined;

const ns = (name: string) => ({ apiVersion: "v1", kind: "Namespace", metadata: { name } });
const pod = (name: string, namespace: string, resources?: Record<string, Record<string, string>>) => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name, namespace },
  spec: { containers: [{ name: "app", image: "nginx:1.27", ...(resources ? { resources } : {}) }] },
});
const web = (namespace: string, replicas: number, memory: string) => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "web", namespace },
  spec: {
    replicas,
    selector: { matchLabels: { app: "web" } },
    template: {
      metadata: { labels: { app: "web" } },
      spec: { containers: [{ name: "app", image: "nginx:1.27", resources: { requests: { cpu: "100m", memory }, limits: { memory } } }] },
    },
  },
});
const quota = (namespace: string, hard: Record<string, string>) => ({
  apiVersion: "v1",
  kind: "ResourceQuota",
  metadata: { name: "compute", namespace },
  spec: { hard },
});

before(async () => {
  missing = await kubectlMissing();
  sim = await startSim();
  sim.load([...nodes(2), ns("q1"), ns("q2"), ns("lr")]);
  if (!missing) kubectl = await kubectlFor(sim);
});
after(async () => {
  await kubectl?.close();
  await sim.stop();
});

test("the quota controller keeps status.hard and status.used current", async () => {
  sim.load([quota("q1", { pods: "4", "requests.cpu": "1", "limits.memory": "1Gi" }), web("q1", 2, "256Mi")]);
  await sim.advance("30s");
  const q = sim.get("ResourceQuota", "compute", "q1")!;
  assert.deepEqual(q.status.hard, { pods: "4", "requests.cpu": "1", "limits.memory": "1Gi" });
  assert.deepEqual(q.status.used, { pods: "2", "requests.cpu": "200m", "limits.memory": "512Mi" });
  sim.patch("Deployment", "web", { spec: { replicas: 1 } }, { namespace: "q1" });
  await sim.advance("1m");
  assert.equal(sim.get("ResourceQuota", "compute", "q1")!.status.used.pods, "1", "usage is released when pods go");
});

test("a ReplicaSet over quota gets FailedCreate with the exact quota message; raising the quota lets it finish", async (t) => {
  sim.patch("Deployment", "web", { spec: { replicas: 5 } }, { namespace: "q1" });
  await sim.advance("30s");
  const running = () => sim.list<Pod>("Pod", "q1").filter((p) => p.metadata.labels?.app === "web").length;
  assert.equal(running(), 4, "limits.memory=1Gi admits four 256Mi pods");
  const failed = sim.events().filter((e: KubeObject) => e.reason === "FailedCreate" && e.metadata.namespace === "q1");
  assert.ok(failed.length > 0, "FailedCreate recorded");
  assert.match(
    String(failed.at(-1)!.message),
    /^Error creating: pods "web-[a-z0-9]+-" is forbidden: exceeded quota: compute, requested: limits\.memory=256Mi,pods=1, used: limits\.memory=1Gi,pods=4, limited: limits\.memory=1Gi,pods=4$/,
  );
  if (kubectl) {
    const events = await kubectl("get", "events", "-n", "q1", "--field-selector", "reason=FailedCreate");
    assert.match(events, /exceeded quota: compute/);
  } else t.diagnostic(missing ?? "");
  sim.patch("ResourceQuota", "compute", { spec: { hard: { pods: "10", "limits.memory": "2Gi" } } }, { namespace: "q1" });
  await sim.advance("2m");
  assert.equal(running(), 5);
});

test("direct creates: 403 Forbidden with the quota and missing-limit messages", async () => {
  const { core } = clientsFor(sim);
  sim.load([quota("q2", { pods: "1", "limits.memory": "512Mi" })]);
  await sim.advance("1s");
  const noLimit = await apiError(core.createNamespacedPod({ namespace: "q2", body: pod("bare", "q2") }));
  assert.equal(noLimit.code, 403);
  assert.equal(noLimit.status.reason, "Forbidden");
  assert.equal(noLimit.status.message, 'pods "bare" is forbidden: failed quota: compute: must specify limits.memory for: app');
  await core.createNamespacedPod({ namespace: "q2", body: pod("one", "q2", { limits: { memory: "128Mi" } }) });
  const over = await apiError(core.createNamespacedPod({ namespace: "q2", body: pod("two", "q2", { limits: { memory: "128Mi" } }) }));
  assert.equal(over.code, 403);
  assert.equal(over.status.message, 'pods "two" is forbidden: exceeded quota: compute, requested: pods=1, used: pods=1, limited: pods=1');
  // Object counts: count/<resource> for any kind (kube-root-ca.crt may already be there).
  const existing = sim.list("ConfigMap", "q2").length;
  sim.load([{ ...quota("q2", { "count/configmaps": String(existing + 1) }), metadata: { name: "objects", namespace: "q2" } }]);
  await sim.advance("1s");
  await core.createNamespacedConfigMap({ namespace: "q2", body: { metadata: { name: "a" } } });
  const cm = await apiError(core.createNamespacedConfigMap({ namespace: "q2", body: { metadata: { name: "b" } } }));
  assert.equal(
    cm.status.message,
    `configmaps "b" is forbidden: exceeded quota: objects, requested: count/configmaps=1, used: count/configmaps=${existing + 1}, limited: count/configmaps=${existing + 1}`,
  );
});

test("LimitRange: defaults with the limit-ranger annotation, and min/max/ratio refused in its words", async () => {
  const { core } = clientsFor(sim);
  sim.load([
    {
      apiVersion: "v1",
      kind: "LimitRange",
      metadata: { name: "bounds", namespace: "lr" },
      spec: {
        limits: [
          {
            type: "Container",
            default: { memory: "256Mi", cpu: "500m" },
            defaultRequest: { cpu: "100m" },
            max: { memory: "1Gi" },
            maxLimitRequestRatio: { memory: "2" },
          },
          { type: "Pod", min: { cpu: "50m" } },
        ],
      },
    },
  ]);
  const lr = sim.get("LimitRange", "bounds", "lr")!;
  assert.deepEqual(lr.spec.limits[0].defaultRequest, { cpu: "100m", memory: "256Mi" }, "defaultRequest falls back to default");
  const created = (await core.createNamespacedPod({ namespace: "lr", body: pod("defaulted", "lr") })) as unknown as Pod;
  assert.deepEqual(JSON.parse(JSON.stringify(created.spec.containers[0]!.resources)), {
    limits: { memory: "256Mi", cpu: "500m" },
    requests: { cpu: "100m", memory: "256Mi" },
  });
  assert.equal(
    created.metadata.annotations!["kubernetes.io/limit-ranger"],
    "LimitRanger plugin set: cpu, memory request for container app; cpu, memory limit for container app",
  );
  const tooBig = await apiError(
    core.createNamespacedPod({
      namespace: "lr",
      body: pod("big", "lr", { limits: { memory: "2Gi" }, requests: { memory: "1536Mi" } }),
    }),
  );
  assert.equal(tooBig.code, 403);
  assert.equal(tooBig.status.message, 'pods "big" is forbidden: maximum memory usage per Container is 1Gi, but limit is 2Gi');
  const ratio = await apiError(
    core.createNamespacedPod({
      namespace: "lr",
      body: pod("ratio", "lr", { limits: { memory: "1Gi" }, requests: { memory: "256Mi" } }),
    }),
  );
  assert.equal(
    ratio.status.message,
    'pods "ratio" is forbidden: memory max limit to request ratio per Container is 2, but provided ratio is 4.000000',
  );
  const both = await apiError(
    core.createNamespacedPod({
      namespace: "lr",
      body: pod("both", "lr", { limits: { memory: "4Gi", cpu: "10m" }, requests: { memory: "1Gi", cpu: "10m" } }),
    }),
  );
  assert.equal(
    both.status.message,
    'pods "both" is forbidden: [maximum memory usage per Container is 1Gi, but limit is 4Gi, memory max limit to request ratio per Container is 2, but provided ratio is 4.000000, minimum cpu usage per Pod is 50m, but request is 10m]',
  );
});

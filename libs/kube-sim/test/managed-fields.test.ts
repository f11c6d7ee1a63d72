// metadata.managedFields on every write: who owns which field (kubectl, the controllers, the kubelet, a GitOps tool),
// in the FieldsV1 format, so a tool can tell which writer would fight a change.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import type { KubeObject, KubeSim, Pod } from "../src/index.js";
import { managerFromUserAgent, type ManagedFieldsEntry } from "../src/store/managed-fields.js";
import { nodes, startSim } from "./sim-helpers.js";
import { kubectlFor, kubectlMissing, type Kubectl } from "./kubectl-helpers.js";

let sim: KubeSim;
let kubectl: Kubectl | undefined;
let missing: string | undefined;

const managed = (o: KubeObject): ManagedFieldsEntry[] => (o.metadata.managedFields as ManagedFieldsEntry[] | undefined) ?? [];
const entry = (o: KubeObject, manager: string, subresource?: string) =>
  managed(o).find((e) => e.manager === manager && e.subresource === subresource);
type Fields = Record<string, Record<string, unknown> | undefined>;
const containerFields = (e: ManagedFieldsEntry | undefined): Fields | undefined =>
  (e?.fieldsV1 as any)?.["f:spec"]?.["f:template"]?.["f:spec"]?.["f:containers"]?.['k:{"name":"app"}'];

const deployment = {
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "web", namespace: "default", labels: { app: "web" } },
  spec: {
    replicas: 1,
    selector: { matchLabels: { app: "web" } },
    template: {
      metadata: { labels: { app: "web" } },
      spec: { containers: [{ name: "app", image: "nginx:1.27", ports: [{ containerPort: 80 }], env: [{ name: "MODE", value: "prod" }] }] },
    },
  },
};

before(async () => {
  missing = await kubectlMissing();
  sim = await startSim();
  sim.load(nodes(1));
  if (!missing) kubectl = await kubectlFor(sim);
});
after(async () => {
  await kubectl?.close();
  await sim.stop();
});

test("kubectl apply, kubectl set image and the controllers each own their fields; --show-managed-fields shows them", async (t) => {
  if (!kubectl) return t.skip(missing ?? "kubectl missing");
  await kubectl.apply(deployment, "apply");
  await sim.advance("30s");
  let d = sim.get("Deployment", "web", "default")!;
  const applied = entry(d, "kubectl-client-side-apply");
  assert.equal(applied?.operation, "Update");
  assert.equal(applied?.apiVersion, "apps/v1");
  assert.equal(applied?.fieldsType, "FieldsV1");
  assert.deepEqual(containerFields(applied)?.["f:env"], { ".": {}, 'k:{"name":"MODE"}': { ".": {}, "f:name": {}, "f:value": {} } });
  assert.deepEqual(containerFields(applied)?.["f:image"], {});
  assert.ok(Object.hasOwn(containerFields(applied)?.["f:ports"] ?? {}, 'k:{"containerPort":80,"protocol":"TCP"}'));
  // The deployment controller writes status through /status as kube-controller-manager.
  const status = entry(d, "kube-controller-manager", "status");
  assert.equal(status?.operation, "Update");
  assert.ok(Object.hasOwn(status.fieldsV1["f:status"] as object, "f:availableReplicas"));

  await kubectl("set", "image", "deployment/web", "app=nginx:1.28");
  await sim.advance("30s");
  d = sim.get("Deployment", "web", "default")!;
  assert.deepEqual(containerFields(entry(d, "kubectl-set")), { "f:image": {} }, "kubectl set image owns the image now");
  assert.equal(containerFields(entry(d, "kubectl-client-side-apply"))?.["f:image"], undefined, "and apply lost it");

  const yaml = await kubectl("get", "deployment", "web", "-o", "yaml", "--show-managed-fields");
  assert.match(yaml, /^ {2}managedFields:$/m);
  assert.match(yaml, /manager: kubectl-set\n\s+operation: Update/);
  assert.match(yaml, /k:\{"name":"app"\}:\n\s+f:image: \{\}/);

  const pod = sim
    .list<Pod>("Pod", "default")
    .find((p) => p.metadata.labels?.app === "web" && p.spec.containers[0]!.image === "nginx:1.28")!;
  assert.equal(entry(pod, "kube-controller-manager")?.operation, "Update", "the ReplicaSet controller created the pod");
  assert.ok(entry(pod, "kubelet", "status"), "the kubelet owns the pod's status");
});

test("server-side apply records operation Apply under the request's field manager", async (t) => {
  if (!kubectl) return t.skip(missing ?? "kubectl missing");
  const cm = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "settings", namespace: "default" }, data: { mode: "prod" } };
  const file = `${kubectl.dir}/cm.json`;
  await import("node:fs/promises").then((fs) => fs.writeFile(file, JSON.stringify(cm)));
  await kubectl("apply", "--server-side", "--field-manager=gitops", "-f", file);
  const stored = sim.get("ConfigMap", "settings", "default")!;
  assert.deepEqual(
    managed(stored).map((e) => [e.manager, e.operation]),
    [["gitops", "Apply"]],
  );
  assert.deepEqual(managed(stored)[0]!.fieldsV1, { "f:data": { "f:mode": {} } });
});

test("without fieldManager the manager is the user agent's program name; in-process controllers use their component", async () => {
  const res = await fetch(`${sim.url}/api/v1/namespaces/default/configmaps`, {
    method: "POST",
    headers: { "content-type": "application/json", "user-agent": "argocd-application-controller/v2.9.3 (linux/amd64)" },
    body: JSON.stringify({ metadata: { name: "from-argo" }, data: { a: "1" } }),
  });
  assert.equal(res.status, 201);
  assert.deepEqual(
    managed(sim.get("ConfigMap", "from-argo", "default")!).map((e) => e.manager),
    ["argocd-application-controller"],
  );
  assert.equal(managerFromUserAgent("kubectl/v1.32.0 (linux/amd64) kubernetes/abcdef"), "kubectl");
  const node = sim.get("Node", "worker-1")!;
  assert.ok(entry(node, "kubelet", "status"), "node heartbeats are the kubelet's");
  sim.load([
    {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "web", namespace: "default" },
      spec: { selector: { app: "web" }, ports: [{ port: 80 }] },
    },
  ]);
  await sim.advance("1s");
  const ep = sim.get("Endpoints", "web", "default")!;
  assert.deepEqual(
    managed(ep).map((e) => e.manager),
    ["kube-controller-manager"],
  );
});

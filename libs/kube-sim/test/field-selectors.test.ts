// Field selectors as the API server checks them: each kind accepts only the labels its conversion func lists, and
// Jobs' `status.successful` reads the Job's status.succeeded (pkg/registry/batch/job/strategy.go).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import type { KubeSim } from "../src/index.js";
import { apiError, clientsFor, nodes, startSim } from "./sim-helpers.js";
import { kubectlFor, kubectlMissing, type Kubectl } from "./kubectl-helpers.js";

let sim: KubeSim;
let kubectl: Kubectl;
let missing: string | undefined;

const job = (name: string, completeAfter: string) => ({
  apiVersion: "batch/v1",
  kind: "Job",
  metadata: { name, namespace: "default" },
  spec: {
    backoffLimit: 0,
    template: {
      metadata: { annotations: { "sim.vigil.dev/complete-after-seconds": completeAfter } },
      spec: { restartPolicy: "Never", containers: [{ name: "work", image: "busybox:1.36" }] },
    },
  },
});

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

test("kubectl get jobs --field-selector status.successful=1 lists the completed Job, =0 the running one", async (t) => {
  if (missing) return t.skip(missing);
  sim.load([job("done", "5"), job("slow", "3600")]);
  await sim.advance("2m");
  assert.equal(sim.get("Job", "done")!.status.succeeded, 1, "the short job completed");
  const one = await kubectl("get", "jobs", "--field-selector", "status.successful=1", "-o", "name");
  assert.deepEqual(one.trim().split("\n"), ["job.batch/done"]);
  const zero = await kubectl("get", "jobs", "--field-selector", "status.successful=0", "-o", "name");
  assert.deepEqual(zero.trim().split("\n"), ["job.batch/slow"]);
  // The status field's own name is not a field label: the API server refuses it.
  assert.match(
    await kubectl.fails("get", "jobs", "--field-selector", "status.succeeded=1"),
    /Error from server \(BadRequest\): Unable to find "batch\/v1, Resource=jobs" that match label selector "", field selector "status.succeeded=1": field label not supported: status.succeeded|field label not supported: status.succeeded/,
  );
});

test("unsupported field labels are refused per kind with the API server's message", async () => {
  const { core } = clientsFor(sim);
  const refused = async (call: Promise<unknown>, label: string) => {
    const { code, status } = await apiError(call);
    assert.equal(code, 400);
    assert.equal(status.message, `field label not supported: ${label}`);
  };
  // Nodes and Namespaces are cluster-scoped kinds with their own conversion funcs: no metadata.namespace there.
  await refused(core.listNode({ fieldSelector: "metadata.namespace=default" }), "metadata.namespace");
  await refused(core.listNamespace({ fieldSelector: "metadata.namespace=default" }), "metadata.namespace");
  await refused(core.listNamespacedConfigMap({ namespace: "default", fieldSelector: "data.x=1" }), "data.x");
  await refused(core.listNamespacedPod({ namespace: "default", fieldSelector: "spec.containers=1" }), "spec.containers");
  // ...and the supported ones filter.
  const ready = await core.listNode({ fieldSelector: "spec.unschedulable=false" });
  assert.deepEqual(
    ready.items.map((n) => n.metadata?.name),
    ["worker-1"],
  );
  const svc = await core.listNamespacedService({ namespace: "default", fieldSelector: "spec.type=ClusterIP,metadata.name=kubernetes" });
  assert.deepEqual(
    svc.items.map((s) => s.metadata?.name),
    ["kubernetes"],
  );
  const active = await core.listNamespace({ fieldSelector: "status.phase=Active,metadata.name=default" });
  assert.equal(active.items.length, 1);
  // Old clients' spec.host is an alias of spec.nodeName.
  sim.load([
    {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "p", namespace: "default" },
      spec: { containers: [{ name: "c", image: "nginx:1.27" }] },
    },
  ]);
  await sim.advance("10s");
  const onNode = await core.listNamespacedPod({ namespace: "default", fieldSelector: "spec.host=worker-1,metadata.name=p" });
  assert.deepEqual(
    onNode.items.map((p) => p.metadata?.name),
    ["p"],
  );
});

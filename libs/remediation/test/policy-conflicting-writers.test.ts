// Conflicting writers against the simulator's managedFields: objects written with the field managers GitOps
// tools record (argocd-controller), kubectl's, and the HPA controller's through the scale subresource.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { V1Deployment } from "@kubernetes/client-node";
import { KubeClient, kubeConfigFromUrl } from "@vigil/kube";
import { KubeSim } from "@vigil/kube-sim";
import { waitFor } from "@vigil/testing";
import { fieldPath, itemKey } from "../src/consequences.js";
import { conflictingWritersCheck } from "../src/policy/checks/conflicting-writers.js";
import { evaluatePolicy } from "../src/policy/engine.js";
import { ownsPath } from "../src/policy/field-ownership.js";
import { contextFor, inputFor, planWith } from "./policy-support.js";

let sim: KubeSim;
const as = (manager: string) => new KubeClient(kubeConfigFromUrl(sim.url), { fieldManager: manager });

const manifest = (name: string): V1Deployment => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name, namespace: "shop", labels: { app: name } },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: name } },
    template: {
      metadata: { labels: { app: name } },
      spec: {
        containers: [{ name: "app", image: "shop/web:1.0", resources: { requests: { memory: "256Mi" }, limits: { memory: "512Mi" } } }],
      },
    },
  },
});

const REPLICAS = fieldPath("spec", "replicas");
const MEMORY_LIMIT = fieldPath("spec", "template", "spec", "containers", itemKey({ name: "app" }), "resources", "limits", "memory");

before(async () => {
  sim = await KubeSim.start({ clock: "virtual" });
  sim.load([
    { apiVersion: "v1", kind: "Namespace", metadata: { name: "shop" } },
    { apiVersion: "v1", kind: "Node", metadata: { name: "worker-1" }, status: { capacity: { cpu: "8", memory: "32Gi", pods: "110" } } },
  ] as never);
  await as("argocd-controller").create("Deployment", manifest("gitops"));
  await as("kubectl-client-side-apply").create("Deployment", manifest("manual"));
  // A GitOps-created Deployment that its HPA (CPU demand at 1200% of requests) scales up: the HPA controller's
  // write takes spec.replicas over from argocd-controller.
  const autoscaled = manifest("autoscaled");
  autoscaled.spec!.template.metadata!.annotations = { "sim.vigil.dev/workload-cpu-demand": "2400m" };
  autoscaled.spec!.template.spec!.containers[0]!.resources!.requests = { cpu: "100m", memory: "256Mi" };
  await as("argocd-controller").create("Deployment", autoscaled);
  await as("kubectl-create").create("HorizontalPodAutoscaler", {
    apiVersion: "autoscaling/v2",
    kind: "HorizontalPodAutoscaler",
    metadata: { name: "autoscaled", namespace: "shop" },
    spec: {
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "autoscaled" },
      minReplicas: 2,
      maxReplicas: 4,
      metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 60 } } }],
    },
  });
  await waitFor(
    async () => {
      await sim.advance("15s");
      return (sim.get("Deployment", "autoscaled", "shop") as V1Deployment).spec!.replicas === 4;
    },
    { timeoutMs: 20_000, intervalMs: 1, message: "the HPA scaled shop/autoscaled to 4" },
  );
});

after(async () => {
  await sim?.stop();
});

const live = (name: string) => as("vigil-executor").get({ kind: "Deployment", namespace: "shop", name });

const writeInput = async (name: string, fields: ReturnType<typeof fieldPath>[], subresource?: string) => {
  const object = await live(name);
  return inputFor(
    "scale_deployment",
    { kind: "Deployment", namespace: "shop", name },
    { replicas: 3 },
    {
      plan: planWith(
        { writes: [{ object, fields, ...(subresource ? { subresource } : {}) }] },
        `scale Deployment shop/${name} from 2 to 3 replicas`,
      ),
    },
  );
};

test("ownsPath follows FieldsV1: the field itself, a field below it, or an atomic leaf above it", () => {
  const set = {
    "f:spec": {
      "f:replicas": {},
      "f:selector": {},
      "f:template": { "f:spec": { "f:containers": { 'k:{"name":"app"}': { ".": {}, "f:image": {} } } } },
    },
  };
  assert.equal(ownsPath(set, REPLICAS), true);
  assert.equal(ownsPath(set, fieldPath("spec")), true, "writing spec overwrites what it owns below");
  assert.equal(ownsPath(set, fieldPath("spec", "selector", "matchLabels")), true, "selector is owned atomically");
  assert.equal(ownsPath(set, MEMORY_LIMIT), false, "owning the list item and its image is not owning its resources");
  assert.equal(ownsPath(set, fieldPath("spec", "paused")), false);
});

test("a field owned by a GitOps manager is denied naming the manager; kubectl's fields are fine", async () => {
  const ctx = contextFor({ kubeUrl: sim.url });
  const gitops = await conflictingWritersCheck.evaluate(await writeInput("gitops", [REPLICAS, MEMORY_LIMIT]), ctx);
  assert.ok(Array.isArray(gitops));
  assert.equal(gitops.length, 1);
  assert.equal(gitops[0]!.ruleId, "conflicting-writers.gitops");
  assert.match(
    gitops[0]!.reason,
    /spec\.replicas, spec\.template\.spec\.containers\[app\]\.resources\.limits\.memory of Deployment shop\/gitops is owned by GitOps manager "argocd-controller"/,
  );

  assert.deepEqual(await conflictingWritersCheck.evaluate(await writeInput("manual", [REPLICAS, MEMORY_LIMIT]), ctx), []);

  // kubectl takes spec.replicas over (an Update takes the fields it changes): that field is no longer Argo CD's.
  await as("kubectl").patch({ kind: "Deployment", namespace: "shop", name: "gitops" }, "merge", { spec: { replicas: 3 } });
  assert.deepEqual(await conflictingWritersCheck.evaluate(await writeInput("gitops", [REPLICAS]), ctx), []);
  const stillArgo = await conflictingWritersCheck.evaluate(await writeInput("gitops", [MEMORY_LIMIT]), ctx);
  assert.match(
    (stillArgo as Array<{ reason: string }>)[0]!.reason,
    /limits\.memory of Deployment shop\/gitops is owned by GitOps manager "argocd-controller"/,
  );

  // Through the engine the proposal is denied, with nothing written.
  const result = await evaluatePolicy(await writeInput("gitops", [MEMORY_LIMIT]), ctx);
  assert.equal(result.decision.decision, "denied");
  assert.equal(
    (sim.get("Deployment", "gitops", "shop") as V1Deployment).spec!.template.spec!.containers[0]!.resources!.limits!["memory"],
    "512Mi",
  );
});

test("onConflict: escalate denies and escalates with the change to make in the GitOps source", async () => {
  const ctx = contextFor({ kubeUrl: sim.url, policy: "conflictingWriters: { onConflict: escalate }" });
  const result = await evaluatePolicy(await writeInput("gitops", [MEMORY_LIMIT]), ctx);
  assert.equal(result.decision.decision, "denied");
  assert.equal(result.escalations.length, 1);
  assert.equal(result.escalations[0]!.checkId, "conflicting-writers");
  assert.match(
    result.escalations[0]!.suggestedChange!,
    /scale Deployment shop\/gitops from 2 to 3 replicas: make this change in the source argocd-controller syncs from \(fields: spec\.template\.spec\.containers\[app\]\.resources\.limits\.memory/,
  );
});

test("a replica count the HPA controller owns is the HPA's, not the GitOps manager's", async () => {
  const ctx = contextFor({ kubeUrl: sim.url });
  const replicas = await conflictingWritersCheck.evaluate(await writeInput("autoscaled", [REPLICAS], "scale"), ctx);
  assert.deepEqual(
    (replicas as Array<{ ruleId: string }>).map((m) => m.ruleId),
    ["conflicting-writers.hpa"],
  );
  assert.match(
    (replicas as Array<{ reason: string }>)[0]!.reason,
    /spec\.replicas of Deployment shop\/autoscaled is owned by the HorizontalPodAutoscaler \(kube-controller-manager, through the scale subresource\)/,
  );
  // The rest of the object is still Argo CD's.
  const resources = await conflictingWritersCheck.evaluate(await writeInput("autoscaled", [MEMORY_LIMIT]), ctx);
  assert.deepEqual(
    (resources as Array<{ ruleId: string }>).map((m) => m.ruleId),
    ["conflicting-writers.gitops"],
  );
  // kube-apiserver records the HPA's write against the scale subresource: the same ownership.
  const recorded = {
    ...(await live("manual")),
    metadata: {
      name: "manual",
      namespace: "shop",
      managedFields: [
        {
          manager: "kube-controller-manager",
          operation: "Update",
          subresource: "scale",
          fieldsType: "FieldsV1",
          fieldsV1: { "f:spec": { "f:replicas": {} } },
        },
      ],
    },
  };
  const fromScale = await conflictingWritersCheck.evaluate(
    inputFor(
      "scale_deployment",
      { kind: "Deployment", namespace: "shop", name: "manual" },
      { replicas: 3 },
      { plan: planWith({ writes: [{ object: recorded, fields: [REPLICAS], subresource: "scale" }] }) },
    ),
    ctx,
  );
  assert.deepEqual(
    (fromScale as Array<{ ruleId: string }>).map((m) => m.ruleId),
    ["conflicting-writers.hpa"],
  );
  const hpaOff = contextFor({ kubeUrl: sim.url, policy: "conflictingWriters: { hpa: false, managers: [] }" });
  assert.deepEqual(await conflictingWritersCheck.evaluate(await writeInput("autoscaled", [REPLICAS], "scale"), hpaOff), []);
});

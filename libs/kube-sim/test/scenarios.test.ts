// Every shipped scenario: its symptom appears, and the remediation an SRE would apply makes it go away.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { SCENARIO_DIR, type KubeSim, type Pod } from "../src/index.js";
import { describe, problems, type Problem } from "./symptoms.js";
import { withScenario, assertRecovers } from "./scenario-helpers.js";

const has = (ps: Problem[], kind: string, object?: RegExp): boolean =>
  ps.some((p) => p.kind === kind && (!object || object.test(p.object)));

/** What `kubectl rollout undo` does: copy the previous revision's ReplicaSet template back into the Deployment. */
const rollback = (sim: KubeSim, namespace: string, name: string): void => {
  const d = sim.get("Deployment", name, namespace)!;
  const current = Number(d.metadata.annotations?.["deployment.kubernetes.io/revision"]);
  const previous = sim
    .list("ReplicaSet", namespace)
    .filter((rs) => rs.metadata.ownerReferences?.some((r) => r.uid === d.metadata.uid))
    .map((rs) => ({ rs, revision: Number(rs.metadata.annotations?.["deployment.kubernetes.io/revision"]) }))
    .filter((x) => x.revision < current)
    .sort((a, b) => b.revision - a.revision)[0]!.rs;
  const template = structuredClone(previous.spec.template);
  delete template.metadata.labels["pod-template-hash"];
  sim.patch("Deployment", name, [{ op: "replace", path: "/spec/template", value: template }], { namespace, type: "json" });
};

test("every shipped scenario has a test and a README row", () => {
  const shipped = readdirSync(SCENARIO_DIR)
    .filter((f) => f.endsWith(".yaml"))
    .map((f) => f.replace(/\.yaml$/, ""));
  const testDir = dirname(fileURLToPath(import.meta.url));
  const tests = readdirSync(testDir)
    .filter((f) => f.startsWith("scenarios") && f.endsWith(".test.ts"))
    .map((f) => readFileSync(join(testDir, f), "utf8"))
    .join("\n");
  const readme = readFileSync(join(SCENARIO_DIR, "..", "README.md"), "utf8");
  assert.ok(shipped.length >= 25, `${shipped.length} scenarios shipped`);
  for (const name of shipped) {
    assert.ok(tests.includes(`"${name}"`), `no scenarios*.test.ts loads "${name}"`);
    assert.match(readme, new RegExp(`^\\| \`${name}\`\\s+\\|`, "m"), `README.md has no scenario row for ${name}`);
  }
});

test("healthy: nothing is wrong, and no warning events at all", async () => {
  await withScenario("healthy", async (sim) => {
    await sim.advance("10m");
    const found = await problems(sim, { warningsSince: 0 });
    assert.equal(found.length, 0, describe(found));
    const pods = sim.list<Pod>("Pod").filter((p) => p.metadata.namespace !== "kube-system");
    assert.ok(pods.length >= 9, "web, api, postgres and one node-exporter per node are running");
    assert.ok(pods.every((p) => (p.status?.containerStatuses ?? []).every((c) => c.restartCount === 0)));
  });
});

test("oom-crashloop: OOMKilled crash loop until the memory limit is raised", async () => {
  await withScenario("oom-crashloop", async (sim) => {
    const found = await problems(sim);
    assert.ok(has(found, "OOMKilled", /^shop\/payments-api-/), describe(found));
    assert.ok(has(found, "CrashLoopBackOff", /^shop\/payments-api-/), describe(found));
    const pod = sim.list<Pod>("Pod", "shop")[0]!;
    const last = pod.status!.containerStatuses![0]!.lastState.terminated!;
    assert.equal(last.exitCode, 137);
    sim.patch(
      "Deployment",
      "payments-api",
      { spec: { template: { spec: { containers: [{ name: "api", resources: { limits: { memory: "768Mi" } } }] } } } },
      { namespace: "shop" },
    );
    await assertRecovers(sim);
  });
});

test("image-pull-backoff: ImagePullBackOff until the image is set back", async () => {
  await withScenario("image-pull-backoff", async (sim) => {
    const found = await problems(sim);
    assert.ok(has(found, "ImagePullBackOff", /^shop\/catalog-/) || has(found, "ErrImagePull", /^shop\/catalog-/), describe(found));
    assert.ok(
      sim.events().some((e) => e.reason === "Failed" && /Failed to pull image "shop\/catalog:1\.8\.0-rc1"/.test(String(e.message))),
    );
    sim.patch(
      "Deployment",
      "catalog",
      { spec: { template: { spec: { containers: [{ name: "catalog", image: "shop/catalog:1.7.4" }] } } } },
      { namespace: "shop" },
    );
    await assertRecovers(sim);
  });
});

test("bad-config-crashloop: exits 1 until DATABASE_URL is added to the ConfigMap", async () => {
  await withScenario("bad-config-crashloop", async (sim) => {
    const found = await problems(sim);
    assert.ok(has(found, "CrashLoopBackOff", /^shop\/orders-/), describe(found));
    const pod = sim.list<Pod>("Pod", "shop")[0]!;
    assert.equal(pod.status!.containerStatuses![0]!.lastState.terminated!.exitCode, 1);
    const logs = await (await fetch(`${sim.url}/api/v1/namespaces/shop/pods/${pod.metadata.name}/log?previous=true`)).text();
    assert.match(logs, /DATABASE_URL/);
    sim.patch(
      "ConfigMap",
      "orders-config",
      { data: { DATABASE_URL: "postgres://postgres.shop.svc:5432/orders" } },
      { namespace: "shop", type: "merge" },
    );
    await assertRecovers(sim);
  });
});

test("pending-insufficient-memory: FailedScheduling until the request fits", async () => {
  await withScenario("pending-insufficient-memory", async (sim) => {
    const found = await problems(sim);
    assert.ok(has(found, "Unschedulable", /^data\/reporting-/), describe(found));
    const event = sim.events().find((e) => e.reason === "FailedScheduling")!;
    assert.equal(
      event.message,
      "0/3 nodes are available: 3 Insufficient memory. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.",
    );
    sim.patch(
      "Deployment",
      "reporting",
      {
        spec: {
          template: {
            spec: { containers: [{ name: "reporting", resources: { requests: { memory: "2Gi" }, limits: { memory: "2Gi" } } }] },
          },
        },
      },
      { namespace: "data" },
    );
    await assertRecovers(sim);
  });
});

test("pending-untolerated-taint: FailedScheduling until the toleration is added", async () => {
  await withScenario("pending-untolerated-taint", async (sim) => {
    const found = await problems(sim);
    assert.ok(has(found, "Unschedulable", /^ml\/trainer-/), describe(found));
    const event = sim.events().find((e) => e.reason === "FailedScheduling")!;
    assert.equal(
      event.message,
      "0/4 nodes are available: 2 node(s) didn't match Pod's node affinity/selector, 2 node(s) had untolerated taint {nvidia.com/gpu: present}. preemption: 0/4 nodes are available: 4 Preemption is not helpful for scheduling.",
    );
    sim.patch(
      "Deployment",
      "trainer",
      {
        spec: {
          template: { spec: { tolerations: [{ key: "nvidia.com/gpu", operator: "Equal", value: "present", effect: "NoSchedule" }] } },
        },
      },
      { namespace: "ml" },
    );
    await assertRecovers(sim);
    assert.ok(sim.list<Pod>("Pod", "ml").every((p) => p.spec.nodeName?.startsWith("gpu-")));
  });
});

test("node-not-ready: NotReady node; cordon, drain, and uncordon once it recovers", async () => {
  await withScenario("node-not-ready", async (sim) => {
    const found = await problems(sim);
    assert.ok(has(found, "NodeNotReady", /^worker-2$/), describe(found));
    const node = sim.get("Node", "worker-2")!;
    assert.ok(
      node.spec.taints.some((t: { key: string; effect: string }) => t.key === "node.kubernetes.io/unreachable" && t.effect === "NoExecute"),
    );
    // Cordon and drain, as kubectl does: unschedulable, then evict every non-DaemonSet pod.
    sim.patch("Node", "worker-2", { spec: { unschedulable: true } });
    for (const p of sim.list<Pod>("Pod").filter((p) => p.spec.nodeName === "worker-2"))
      sim.delete("Pod", p.metadata.name!, p.metadata.namespace);
    await sim.advance("1m");
    // No kubelet confirms the deletions on the dead node: those pods stay Terminating while replacements run elsewhere.
    const active = sim.list<Pod>("Pod", "shop").filter((p) => !p.metadata.deletionTimestamp);
    assert.ok(active.length > 0 && active.every((p) => p.spec.nodeName !== "worker-2"));
    assert.ok(sim.list<Pod>("Pod", "shop").some((p) => p.spec.nodeName === "worker-2" && p.metadata.deletionTimestamp));
    // The node's kubelet comes back; then uncordon.
    sim.patch("Node", "worker-2", { metadata: { annotations: { "sim.vigil.dev/kubelet": null } } }, { type: "merge" });
    await sim.advance("1m");
    sim.patch("Node", "worker-2", { spec: { unschedulable: null } }, { type: "merge" });
    await assertRecovers(sim, "1m");
    assert.deepEqual(sim.get("Node", "worker-2")!.spec.taints ?? [], []);
  });
});

test("pvc-near-full: volume over 85% until the claim is expanded", async () => {
  await withScenario("pvc-near-full", async (sim) => {
    const found = await problems(sim);
    assert.ok(has(found, "VolumeNearlyFull", /^db\/data-postgres-0$/), describe(found));
    sim.patch("PersistentVolumeClaim", "data-postgres-0", { spec: { resources: { requests: { storage: "20Gi" } } } }, { namespace: "db" });
    await assertRecovers(sim, "1m");
    assert.equal(sim.get("PersistentVolumeClaim", "data-postgres-0", "db")!.status.capacity.storage, "20Gi");
  });
});

test("bad-rollout-readiness: unready new pods and a stalled rollout until rolled back", async () => {
  await withScenario("bad-rollout-readiness", async (sim) => {
    const found = await problems(sim);
    assert.ok(has(found, "NotReady", /^shop\/storefront-/), describe(found));
    assert.ok(has(found, "ProgressDeadlineExceeded", /^shop\/storefront$/), describe(found));
    assert.ok(
      sim
        .events()
        .some((e) => e.reason === "Unhealthy" && /^Readiness probe failed: HTTP probe failed with statuscode: 503/.test(String(e.message))),
    );
    rollback(sim, "shop", "storefront");
    await assertRecovers(sim);
    assert.ok(sim.list<Pod>("Pod", "shop").every((p) => p.spec.containers[0]!.image === "shop/storefront:2.3.0"));
  });
});

test("hpa-at-max: HPA pinned at maxReplicas until the maximum is raised", async () => {
  await withScenario("hpa-at-max", async (sim) => {
    const found = await problems(sim);
    assert.ok(has(found, "HPAAtMax", /^shop\/search$/), describe(found));
    assert.equal(sim.get("Deployment", "search", "shop")!.spec.replicas, 4);
    sim.patch("HorizontalPodAutoscaler", "search", { spec: { maxReplicas: 30 } }, { namespace: "shop", type: "merge" });
    await assertRecovers(sim);
    const hpa = sim.get("HorizontalPodAutoscaler", "search", "shop")!;
    assert.ok(hpa.status.currentReplicas > 4 && hpa.status.currentReplicas <= 30);
    assert.ok(hpa.status.currentMetrics[0].resource.current.averageUtilization <= 66, "utilization is back near the 60% target");
  });
});

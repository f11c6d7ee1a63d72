// The demo's two plays on the simulator: Prometheus' rules (an alert resolves once its symptom is really gone), and
// one scenario replacing another in the same cluster, which must leave it as if the new one had been loaded alone.
import assert from "node:assert/strict";
import { after, test } from "node:test";
import { KubeSim } from "@vigil/kube-sim";
import { demoScenario, removeScenario, stillFiring, switchScenario } from "../src/index.js";

const sims: KubeSim[] = [];
after(async () => {
  for (const s of sims) await s.stop();
});
const start = async (scenario: string) => {
  const sim = await KubeSim.start({ clock: "virtual", scenario });
  sims.push(sim);
  return sim;
};

/** What a cluster holds, by kind and name (generated pod names reduced to their owner's prefix). */
function inventory(sim: KubeSim): string[] {
  const kinds = ["Namespace", "Node", "Deployment", "Service", "ConfigMap", "StatefulSet", "HorizontalPodAutoscaler", "PersistentVolume"];
  const names = kinds.flatMap((k) => sim.list(k).map((o) => `${k} ${o.metadata.namespace ?? ""}/${o.metadata.name}`));
  const pods = sim
    .list("Pod")
    .map((p) => `Pod ${p.metadata.namespace}/${String(p.metadata.name).replace(/-[a-z0-9]{6,10}-[a-z0-9]{5}$/, "-*")}`);
  return [...names, ...pods].sort();
}

test("KubePodCrashLooping holds while the pod crash-loops and resolves once a big enough limit replaced it", async () => {
  const sim = await start("oom-crashloop");
  const alert = demoScenario("oom-crashloop").row.alert(sim);
  assert.equal(stillFiring(sim, alert), true);
  sim.patch(
    "Deployment",
    "payments-api",
    { spec: { template: { spec: { containers: [{ name: "api", resources: { limits: { memory: "768Mi" } } }] } } } },
    { namespace: "shop" },
  );
  await sim.advance("3m");
  assert.equal(stillFiring(sim, alert), false, "the crash-looping pod was replaced by healthy ones");
  assert.equal(
    stillFiring(sim, { labels: { alertname: "SomethingElse" }, annotations: {} }),
    undefined,
    "no rule: never resolved by the demo",
  );
});

test("KubeDeploymentRolloutStuck holds while Progressing is False", async () => {
  const sim = await start("bad-rollout-readiness");
  const alert = demoScenario("bad-rollout-readiness").row.alert(sim);
  assert.equal(stillFiring(sim, alert), true);
});

test("a scenario switched into a used cluster finds it as if loaded alone: same objects, same symptom", async () => {
  const used = await start("oom-crashloop");
  await switchScenario(used, "oom-crashloop", "bad-config-crashloop");
  const alone = await start("bad-config-crashloop");
  assert.deepEqual(inventory(used), inventory(alone));
  assert.equal(used.list("Pod", "shop").filter((p) => String(p.metadata.name).startsWith("payments-api")).length, 0);
  const alert = demoScenario("bad-config-crashloop").row.alert(used);
  assert.equal(stillFiring(used, alert), true, "orders crash-loops as it does alone");
  // Removing it again leaves only what every cluster has.
  removeScenario(used, "bad-config-crashloop");
  assert.deepEqual(used.list("Node"), []);
  assert.equal(used.get("Namespace", "shop"), undefined);
});

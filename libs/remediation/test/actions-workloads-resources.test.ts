// increase_resources against the simulator: with the oom-crashloop scenario, raising the memory limit (by a
// factor) stops the crash loop once the rollout has run; a dry run stores nothing; absolute values, requests and
// DaemonSets; the refusals (unknown container, factor without a value, no increase, request above limit); and the
// revert, which removes the keys that were absent.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { waitFor } from "@vigil/testing";

import { type ActionHarness, actionHarness, refusal } from "./action-harness.js";

/** What the simulator's objects always carry. */
type Typed = { apiVersion: string; kind: string };

type Resources = { limits?: Record<string, string>; requests?: Record<string, string> };
type Workload = Typed & {
  metadata: { resourceVersion: string; generation: number };
  spec: { template: { spec: { containers: { name: string; resources?: Resources }[] } } };
};
type Pod = Typed & {
  metadata: { labels?: Record<string, string>; deletionTimestamp?: string };
  spec: { containers: { name: string; resources?: Resources }[] };
  status?: { phase?: string; containerStatuses?: { ready: boolean; restartCount: number; state?: { running?: object } }[] };
};

const extra = `
apiVersion: apps/v1
kind: DaemonSet
metadata: { name: agent, namespace: ops }
spec:
  selector: { matchLabels: { app: agent } }
  template:
    metadata: { labels: { app: agent } }
    spec:
      containers:
        - { name: agent, image: ops/agent:1.0, resources: { limits: { cpu: 200m }, requests: { cpu: 50m } } }
        - { name: shipper, image: ops/shipper:1.0 }
`;

const api = { kind: "Deployment", name: "payments-api", namespace: "shop" };
const agent = { kind: "DaemonSet", name: "agent", namespace: "ops" };
const containerOf = (w: Workload | undefined, name: string) => w?.spec.template.spec.containers.find((c) => c.name === name);

describe("increase_resources", () => {
  let h: ActionHarness;
  before(async () => {
    h = await actionHarness({ scenario: "oom-crashloop", manifests: extra });
  });
  after(() => h.stop());

  it("dry run: the API server answers with the new limit, nothing is stored", async () => {
    const rv = h.sim.get<Workload>("Deployment", "payments-api", "shop")!.metadata.resourceVersion;
    const run = await h.run("increase_resources", api, { container: "api", resource: "memory", limit: { factor: 3 } }, { dryRun: true });
    assert.deepEqual(run.applied.after, { "spec.template.spec.containers[api].resources.limits.memory": "768Mi" });
    assert.ok(run.log.operations.some((o) => o.verb === "patch" && o.patchType === "strategic" && o.dryRun));
    const now = h.sim.get<Workload>("Deployment", "payments-api", "shop")!;
    assert.equal(now.metadata.resourceVersion, rv);
    assert.equal(containerOf(now, "api")?.resources?.limits?.["memory"], "256Mi");
  });

  it("raising the memory limit live stops the OOM crash loop (oom-crashloop's fix)", async () => {
    const crashing = h.sim.list<Pod>("Pod", "shop").filter((p) => p.metadata.labels?.["app"] === "payments-api");
    assert.ok(
      crashing.some((p) => (p.status?.containerStatuses?.[0]?.restartCount ?? 0) > 0),
      "the scenario crash-loops before the fix",
    );

    const run = await h.run("increase_resources", api, { container: "api", resource: "memory", limit: { factor: 3 } });
    assert.equal(run.plan.summary, "raise the memory of container api of Deployment shop/payments-api: limit 256Mi → 768Mi");
    assert.deepEqual(run.plan.before, { "spec.template.spec.containers[api].resources.limits.memory": "256Mi" });
    assert.deepEqual(run.applied.after, { "spec.template.spec.containers[api].resources.limits.memory": "768Mi" });
    assert.equal(run.verification?.ok, true, run.verification?.detail);
    const c = run.plan.consequences;
    assert.equal(c.resources?.replicas, 2);
    assert.equal(c.resources?.podSpecBefore.containers[0]?.resources?.limits?.["memory"], "256Mi");
    assert.equal(c.resources?.podSpecAfter.containers[0]?.resources?.limits?.["memory"], "768Mi");
    assert.deepEqual(c.writes?.[0]?.fields, [
      ["f:spec", "f:template", "f:spec", "f:containers", 'k:{"name":"api"}', "f:resources", "f:limits", "f:memory"],
    ]);

    // The rollout replaces the pods; the new ones run with 768Mi and stay up.
    await waitFor(
      async () => {
        await h.sim.advance("10s");
        const pods = h.sim
          .list<Pod>("Pod", "shop")
          .filter((p) => p.metadata.labels?.["app"] === "payments-api" && !p.metadata.deletionTimestamp);
        return (
          pods.length === 2 &&
          pods.every(
            (p) => p.spec.containers[0]?.resources?.limits?.["memory"] === "768Mi" && p.status?.containerStatuses?.[0]?.ready === true,
          )
        );
      },
      { message: "2 Ready payments-api pods with 768Mi", timeoutMs: 20_000 },
    );
    await h.sim.advance("2m");
    const pods = h.sim
      .list<Pod>("Pod", "shop")
      .filter((p) => p.metadata.labels?.["app"] === "payments-api" && !p.metadata.deletionTimestamp);
    assert.ok(
      pods.every((p) => p.status?.containerStatuses?.[0]?.restartCount === 0 && p.status.containerStatuses[0].ready),
      "no restart after the fix",
    );
  });

  it("refuses what is not an increase, naming today's value", async () => {
    await assert.rejects(
      h.plan("increase_resources", api, { container: "api", resource: "memory", limit: { quantity: "512Mi" } }),
      refusal(/memory limit of container api of Deployment shop\/payments-api is 768Mi; 512Mi is not an increase/),
    );
    await assert.rejects(
      h.plan("increase_resources", api, { container: "api", resource: "memory", limit: { quantity: "768Mi" } }),
      refusal(/not an increase/),
    );
  });

  it("refuses a request above the limit, and says to raise the limit too", async () => {
    await assert.rejects(
      h.plan("increase_resources", api, { container: "api", resource: "memory", request: { quantity: "1Gi" } }),
      refusal(/request of container api .* would be 1Gi, above its limit 768Mi: .*raise the limit too/),
    );
  });

  it("refuses a container that does not exist, listing those that do", async () => {
    await assert.rejects(
      h.plan("increase_resources", agent, { container: "app", resource: "cpu", limit: { factor: 2 } }),
      refusal(/DaemonSet ops\/agent has no container named "app" \(its containers: agent, shipper\)/),
    );
  });

  it("refuses a factor when there is no value today", async () => {
    await assert.rejects(
      h.plan("increase_resources", agent, { container: "shipper", resource: "memory", limit: { factor: 2 } }),
      refusal(/container shipper of DaemonSet ops\/agent has no memory limit to multiply by 2: give an absolute quantity/),
    );
  });

  it("on a DaemonSet: CPU limit by factor and request together, live and reverted", async () => {
    const run = await h.run("increase_resources", agent, {
      container: "agent",
      resource: "cpu",
      limit: { factor: 2.5 },
      request: { quantity: "100m" },
    });
    assert.equal(run.plan.summary, "raise the cpu of container agent of DaemonSet ops/agent: limit 200m → 500m, request 50m → 100m");
    assert.deepEqual(run.plan.before, {
      "spec.template.spec.containers[agent].resources.limits.cpu": "200m",
      "spec.template.spec.containers[agent].resources.requests.cpu": "50m",
    });
    assert.deepEqual(run.applied.after, {
      "spec.template.spec.containers[agent].resources.limits.cpu": "500m",
      "spec.template.spec.containers[agent].resources.requests.cpu": "100m",
    });
    assert.equal(run.verification?.ok, true, run.verification?.detail);
    assert.equal(run.plan.consequences.resources?.replicas, 3, "one pod per node");
    assert.deepEqual(containerOf(h.sim.get<Workload>("DaemonSet", "agent", "ops"), "agent")?.resources, {
      limits: { cpu: "500m" },
      requests: { cpu: "100m" },
    });

    await h.revert(run.plan);
    assert.deepEqual(containerOf(h.sim.get<Workload>("DaemonSet", "agent", "ops"), "agent")?.resources, {
      limits: { cpu: "200m" },
      requests: { cpu: "50m" },
    });
  });

  it("an absolute first value where there was none; the revert removes the key again (strategic merge null)", async () => {
    const run = await h.run("increase_resources", agent, { container: "shipper", resource: "memory", limit: { quantity: "256Mi" } });
    assert.deepEqual(run.plan.before, { "spec.template.spec.containers[shipper].resources.limits.memory": null });
    assert.deepEqual(run.applied.after, { "spec.template.spec.containers[shipper].resources.limits.memory": "256Mi" });
    assert.deepEqual(await h.revert(run.plan), { "spec.template.spec.containers[shipper].resources.limits.memory": null });
    assert.equal(containerOf(h.sim.get<Workload>("DaemonSet", "agent", "ops"), "shipper")?.resources?.limits?.["memory"], undefined);
  });

  it("refuses a request below today's as a decrease", async () => {
    const defaulted = containerOf(h.sim.get<Workload>("Deployment", "payments-api", "shop"), "api");
    assert.equal(defaulted?.resources?.requests?.["memory"], "256Mi");
    await assert.rejects(
      h.plan("increase_resources", api, { container: "api", resource: "memory", request: { quantity: "128Mi" } }),
      refusal(/memory request of container api of Deployment shop\/payments-api is 256Mi; 128Mi is not an increase/),
    );
  });
});

// The executor end to end on a real NATS, PostgreSQL and the simulator: a proposal becomes a real change (live) or a
// server-side dry run, refusals are recorded with their reasons, and every outcome is published and kept in history.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type ExecutorHarness, executorSuite, proposal, waitFor } from "./harness.js";

const deployment = { kind: "Deployment", namespace: "shop", name: "payments-api" };
const memoryLimit = (h: ExecutorHarness) =>
  h.sim.get<any>("Deployment", "payments-api", "shop").spec.template.spec.containers.find((c: any) => c.name === "api").resources.limits
    .memory;

describe("executor pipeline (live)", () => {
  const suite = executorSuite({ scenario: "oom-crashloop" });

  it("applies increase_resources for real, records it, publishes it, and the crash loop stops", async () => {
    const { h } = suite;
    const before = memoryLimit(h);
    const p = proposal("increase_resources", deployment, { container: "api", resource: "memory", limit: { quantity: "768Mi" } });
    await h.publish(p);
    const row = await h.executionOf(p.id, ["succeeded", "failed", "rejected", "reverted"]);
    assert.equal(row.status, "succeeded", row.reason);
    assert.equal(memoryLimit(h), "768Mi");
    assert.notEqual(before, "768Mi");
    assert.equal(row.dryRun, false);
    assert.ok(
      row.operations.some((op: any) => op.verb === "patch" && op.resource === "deployments" && !op.dryRun),
      "the live patch is recorded",
    );
    assert.ok(
      row.operations.some((op: any) => op.verb === "patch" && op.dryRun),
      "the server-side dry run before it too",
    );
    assert.deepEqual(
      row.transitions.map((t: any) => t.status),
      ["received", "executing", "succeeded"],
    );
    const published = (await h.executed()).filter((m) => m.proposalId === p.id);
    assert.deepEqual(
      published.map((m) => m.status),
      ["succeeded"],
    );
    assert.equal(published[0]!.correlationId, p.correlationId);
    await h.sim.advance("5m");
    const pods = h.sim
      .list("Pod", "shop")
      .filter((pod: any) => pod.metadata.labels?.app === "payments-api" && !pod.metadata.deletionTimestamp);
    assert.ok(
      pods.length > 0 && pods.every((pod: any) => pod.status.containerStatuses?.every((c: any) => c.ready)),
      "pods Ready with the raised limit",
    );
  });

  it("the same proposal delivered twice executes once", async () => {
    const { h } = suite;
    const pod = h.sim
      .list("Pod", "shop")
      .find((x: any) => x.metadata.labels?.app === "payments-api" && !x.metadata.deletionTimestamp) as any;
    const p = proposal("restart_pod", { kind: "Pod", namespace: "shop", name: pod.metadata.name }, {});
    await h.publish(p, `${p.id}-first`);
    await h.executionOf(p.id, ["succeeded"]);
    await h.publish(p, `${p.id}-again`); // a different Nats-Msg-Id: JetStream stores it, the executor sees it twice
    await waitFor(async () => (await h.executed()).filter((m) => m.proposalId === p.id).length >= 1);
    const rows = (await h.api("/api/v1/actions?limit=500")).body.data.items.filter((r: any) => r.proposalId === p.id);
    assert.equal(rows.length, 1);
    const deletes = rows[0].operations.filter((op: any) => op.verb === "delete" && !op.dryRun);
    assert.equal(deletes.length, 1, "one live delete");
  });

  it("refuses a protected namespace, recording the rule and reason", async () => {
    const { h } = suite;
    const p = proposal("rollout_restart", { kind: "Deployment", namespace: "kube-system", name: "coredns" }, {});
    await h.publish(p);
    const row = await h.executionOf(p.id, ["rejected"]);
    assert.ok(
      row.policy.matched.some((m: any) => m.effect === "deny" && /protected/.test(m.ruleId)),
      JSON.stringify(row.policy.matched),
    );
    assert.match(row.reason, /kube-system/);
    assert.ok(!row.operations.some((op: any) => op.verb !== "get" && op.verb !== "list" && !op.dryRun), "nothing written");
  });

  it("a refused precondition is a rejection that says why (no-op never reported as success)", async () => {
    const { h } = suite;
    const p = proposal("increase_resources", deployment, { container: "nope", resource: "memory", limit: { quantity: "1Gi" } });
    await h.publish(p);
    const row = await h.executionOf(p.id, ["rejected"]);
    assert.match(row.reason, /nope/);
  });

  it("no_action proposals execute nothing", async () => {
    const { h } = suite;
    const p = { ...proposal("restart_pod", deployment, {}), kind: "no_action", reasons: ["healthy"] } as any;
    delete p.action;
    delete p.target;
    delete p.parameters;
    delete p.risk;
    delete p.alternatives;
    await h.publish(p);
    const marker = proposal("collect_diagnostics", deployment, {});
    await h.publish(marker);
    await h.executionOf(marker.id, ["succeeded", "dry_run"]);
    const rows = (await h.api("/api/v1/actions?limit=500")).body.data.items.filter((r: any) => r.proposalId === p.id);
    assert.equal(rows.length, 0);
  });

  it("?target= lists the actions on one object and on what it owns (`vigil history`)", async () => {
    const { h } = suite;
    const pod = h.sim
      .list("Pod", "shop")
      .find((x: any) => x.metadata.labels?.app === "payments-api" && !x.metadata.deletionTimestamp) as any;
    const podRef = { kind: "Pod", namespace: "shop", name: pod.metadata.name };
    const onPod = proposal("collect_diagnostics", podRef, {}, { owner: deployment });
    const onDeployment = proposal("collect_diagnostics", deployment, {});
    await h.publish(onPod);
    await h.publish(onDeployment);
    await h.executionOf(onPod.id, ["succeeded", "dry_run"]);
    await h.executionOf(onDeployment.id, ["succeeded", "dry_run"]);
    const proposalsOf = async (target: string) =>
      ((await h.api(`/api/v1/actions?limit=500&target=${encodeURIComponent(target)}`)).body.data.items as any[]).map((r) => r.proposalId);
    const ofDeployment = await proposalsOf("Deployment/shop/payments-api");
    assert.ok(ofDeployment.includes(onPod.id), "an action on one of its pods (owner) is listed");
    assert.ok(ofDeployment.includes(onDeployment.id), "an action on the Deployment itself is listed");
    assert.deepEqual(await proposalsOf(`Pod/shop/${pod.metadata.name}`), [onPod.id]);
    assert.deepEqual(await proposalsOf("Deployment/shop/nothing-here"), []);
  });
});

describe("executor pipeline (dry-run mode)", () => {
  const suite = executorSuite({ scenario: "oom-crashloop", env: { EXECUTOR_MODE: "dry-run" } });

  it("validates through the API server's dry run and changes nothing", async () => {
    const { h } = suite;
    const rv = h.sim.get<any>("Deployment", "payments-api", "shop").metadata.resourceVersion;
    const p = proposal("increase_resources", deployment, { container: "api", resource: "memory", limit: { quantity: "768Mi" } });
    await h.publish(p);
    const row = await h.executionOf(p.id, ["dry_run", "rejected", "failed"]);
    assert.equal(row.status, "dry_run", row.reason);
    assert.equal(row.dryRun, true);
    assert.equal(h.sim.get<any>("Deployment", "payments-api", "shop").metadata.resourceVersion, rv, "nothing changed");
    assert.ok(row.operations.every((op: any) => op.verb === "get" || op.verb === "list" || op.dryRun));
    assert.match(String(row.details.diff), /768Mi/);
    assert.equal(row.stateAfter[Object.keys(row.stateAfter).find((k) => k.endsWith("limits.memory"))!], "768Mi");
  });
});

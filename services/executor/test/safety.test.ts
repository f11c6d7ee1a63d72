// The safety nets, through the running service: preflight refuses a memory increase no node can hold; a field a GitOps
// controller owns is not patched behind its back; the history is tamper-evident; and the break-glass pause set on one
// replica stops live changes on another.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { KubeClient, kubeConfigFromUrl } from "@vigil/kube";
import pg from "pg";
import { executorSuite, proposal } from "./harness.js";

const deployment = { kind: "Deployment" as const, namespace: "shop", name: "payments-api" };

describe("executor safety", () => {
  const suite = executorSuite({ scenario: "oom-crashloop" });

  it("preflight refuses a memory increase that fits no node", async () => {
    const { h } = suite;
    const p = proposal("increase_resources", deployment, {
      container: "api",
      resource: "memory",
      limit: { quantity: "900Gi" },
      request: { quantity: "900Gi" },
    });
    await h.publish(p);
    const row = await h.executionOf(p.id, ["rejected", "succeeded", "failed"]);
    assert.equal(row.status, "rejected", row.reason);
    assert.ok(
      row.policy.matched.some((m: any) => m.effect === "deny" && m.ruleId.startsWith("preflight")),
      JSON.stringify(row.policy.matched),
    );
  });

  it("a field owned by a GitOps controller is not patched", async () => {
    const { h } = suite;
    // Argo CD syncs the Deployment's replicas (its controller's field manager).
    const argo = new KubeClient(kubeConfigFromUrl(h.sim.url), { fieldManager: "argocd-controller" });
    await argo.patch(deployment, "merge", { spec: { replicas: 1 } });
    const p = proposal("scale_deployment", deployment, { replicas: 3 });
    await h.publish(p);
    const row = await h.executionOf(p.id, ["rejected", "succeeded", "failed"]);
    assert.equal(row.status, "rejected", row.reason);
    assert.match(row.reason, /argocd-controller/);
    assert.equal(h.sim.get<any>("Deployment", "payments-api", "shop").spec.replicas, 1);
  });

  it("tampering with one history row makes audit verification fail", async () => {
    const { h } = suite;
    const ok = await h.api("/api/v1/audit/verify");
    assert.equal(ok.body.data.ok, true, JSON.stringify(ok.body.data));
    const exported = await h.api("/api/v1/audit/export");
    assert.ok(exported.body.data.entries.length > 0);
    const client = new pg.Client({ connectionString: h.db.url });
    await client.connect();
    try {
      await client.query(
        "UPDATE actions SET status = 'succeeded' WHERE execution_id = (SELECT execution_id FROM actions WHERE status = 'rejected' LIMIT 1)",
      );
    } finally {
      await client.end();
    }
    const bad = await h.api("/api/v1/audit/verify");
    assert.equal(bad.body.data.ok, false, JSON.stringify(bad.body.data));
  });

  it("the break-glass pause set on one replica stops live changes on another", async () => {
    const { h } = suite;
    const second = await h.startReplica();
    const paused = await h.api("/api/v1/pause", { body: { by: "oncall", reason: "incident review" } });
    assert.equal(paused.status, 200);
    assert.equal((await h.api("/api/v1/pause", { url: second.url })).body.data.paused, true, "every replica sees the flag");
    await h.executor.shutdown("leave the work to the second replica");
    const p = proposal("rollout_restart", deployment, {});
    await h.publish(p);
    const row = await h.executionOf(p.id, ["rejected", "succeeded"], { url: second.url });
    assert.equal(row.status, "rejected");
    assert.match(row.reason, /paus/i);
    assert.match(row.reason, /oncall/);
    assert.equal((await h.api("/api/v1/resume", { url: second.url, body: { by: "oncall", reason: "review done" } })).status, 200);
    const again = proposal("rollout_restart", deployment, {});
    await h.publish(again);
    const done = await h.executionOf(again.id, ["succeeded", "rejected", "failed"], { url: second.url });
    assert.equal(done.status, "succeeded", done.reason);
  });
});

describe("executor safety: HPA interplay", () => {
  const suite = executorSuite({ scenario: "hpa-at-max" });

  it("scaling a Deployment an HPA controls changes the HPA instead", async () => {
    const { h } = suite;
    const search = { kind: "Deployment" as const, namespace: "shop", name: "search" };
    const replicasBefore = h.sim.get<any>("Deployment", "search", "shop").spec.replicas;
    const p = proposal("scale_deployment", search, { replicas: 6 });
    await h.publish(p);
    const row = await h.executionOf(p.id, ["succeeded", "rejected", "failed"]);
    assert.equal(row.status, "succeeded", row.reason);
    assert.match(row.details.summary, /HPA/);
    const hpa = h.sim.get<any>("HorizontalPodAutoscaler", "search", "shop");
    assert.equal(hpa.spec.minReplicas, 6);
    assert.ok(hpa.spec.maxReplicas >= 6);
    assert.ok(
      row.operations.every((op: any) => op.dryRun || op.verb === "get" || op.verb === "list" || op.resource === "horizontalpodautoscalers"),
      "the only live write is to the HPA",
    );
    assert.equal(
      h.sim.get<any>("Deployment", "search", "shop").spec.replicas,
      replicasBefore,
      "the executor never wrote the Deployment's replicas",
    );
  });
});

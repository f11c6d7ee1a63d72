// Approvals bound to the exact change: the request carries the dry-run diff and its hash; approving that hash applies
// that change; a changed target voids the approval and asks again; rejection, expiry and the two-person rule; and a
// decision sent over NATS works like one over REST.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { approvalRequestedMessage, deterministicId, derive, streams, subjects, topics } from "@vigil/contracts";
import { readStream } from "@vigil/testing";
import { type ExecutorHarness, executorSuite, proposal, waitFor } from "./harness.js";

const POLICY = `
rules:
  - { id: everything, effect: allow, actions: ["*"], namespaces: ["*"] }
limits: { maxLivePerHour: 1000, maxPerIncident: 100, maxConcurrent: 10 }
bounds: { maxResourceFactor: 4 }
approval:
  requiredFor: { actions: [scale_deployment, suspend_cronjob] }
  expiry: 3s
  twoPersonForHighRisk: true
`;

const web = { kind: "Deployment", namespace: "shop", name: "web" };
const MANIFESTS = `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: web-ingress, namespace: shop }
spec:
  podSelector: { matchLabels: { app: web } }
  policyTypes: [Ingress]
  ingress: []
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: cart, namespace: shop }
spec:
  replicas: 1
  selector: { matchLabels: { app: cart } }
  template:
    metadata: { labels: { app: cart } }
    spec: { containers: [{ name: cart, image: nginx, resources: { requests: { cpu: 10m, memory: 16Mi } } }] }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: shop }
spec:
  replicas: 2
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec: { containers: [{ name: web, image: nginx, resources: { requests: { cpu: 10m, memory: 16Mi } } }] }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: api, namespace: shop }
spec:
  replicas: 1
  selector: { matchLabels: { app: api } }
  template:
    metadata: { labels: { app: api } }
    spec: { containers: [{ name: api, image: nginx, resources: { requests: { cpu: 10m, memory: 16Mi } } }] }
`;
const NODE_AND_NS = `
apiVersion: v1
kind: Namespace
metadata: { name: shop }
---
apiVersion: v1
kind: Node
metadata: { name: worker-1 }
status: { allocatable: { cpu: "8", memory: 16Gi, pods: "110" }, capacity: { cpu: "8", memory: 16Gi, pods: "110" } }
`;

const replicas = (h: ExecutorHarness, name = "web") => h.sim.get<any>("Deployment", name, "shop").spec.replicas;

describe("executor approvals", () => {
  const suite = executorSuite({ manifests: NODE_AND_NS + "---" + MANIFESTS, policy: POLICY });

  it("asks for approval with the dry-run diff; approving that diff applies exactly it", async () => {
    const { h } = suite;
    const p = proposal("scale_deployment", web, { replicas: 3 });
    await h.publish(p);
    const pending = await h.executionOf(p.id, ["pending_approval", "rejected", "failed"]);
    assert.equal(pending.status, "pending_approval", pending.reason);
    assert.equal(replicas(h), 2, "nothing applied while waiting");
    const requested = (
      await readStream(h.jsm, streams.actions.name, {
        subject: subjects.approvalRequested,
        parse: (j) => approvalRequestedMessage.parse(j),
      })
    )
      .map((m) => m.message)
      .find((m) => m.executionId === pending.executionId);
    assert.ok(requested, "approval request published");
    assert.match(requested.diff, /replicas/);
    assert.equal(requested.diffHash, pending.approval.diffHash);

    const wrong = await h.api(`/api/v1/actions/${pending.executionId}/approve`, { body: { by: "alice", diffHash: "0".repeat(64) } });
    assert.equal(wrong.status, 409, "approving another diff is refused");
    const unauth = await h.api(`/api/v1/actions/${pending.executionId}/approve`, {
      body: { by: "alice", diffHash: pending.approval.diffHash },
      token: null,
    });
    assert.equal(unauth.status, 401);

    const ok = await h.api(`/api/v1/actions/${pending.executionId}/approve`, {
      body: { by: "alice", diffHash: pending.approval.diffHash },
    });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    const done = await h.executionOf(p.id, ["succeeded", "failed", "rejected"]);
    assert.equal(done.status, "succeeded", done.reason);
    assert.equal(replicas(h), 3);
    assert.equal(done.policy.approval.state, "approved");
    assert.deepEqual(
      done.policy.approval.approvers.map((a: any) => a.by),
      ["alice"],
    );
  });

  it("an approval goes void when the target changed after the dry run; a new request replaces it", async () => {
    const { h } = suite;
    const p = proposal("scale_deployment", { ...web, name: "cart" }, { replicas: 5 });
    await h.publish(p);
    const pending = await h.executionOf(p.id, ["pending_approval"]);
    h.sim.patch("Deployment", "cart", { metadata: { labels: { touched: "by-someone" } } }, { namespace: "shop" });
    const res = await h.api(`/api/v1/actions/${pending.executionId}/approve`, {
      body: { by: "alice", diffHash: pending.approval.diffHash },
    });
    assert.equal(res.status, 409, JSON.stringify(res.body));
    assert.equal(res.body.data.state, "voided");
    assert.notEqual(res.body.data.newRequestId, pending.approval.requestId);
    assert.equal(replicas(h, "cart"), 1, "the voided approval applied nothing");
    const renewed = (await h.api(`/api/v1/actions/${pending.executionId}`)).body.data;
    assert.equal(renewed.status, "pending_approval");
    assert.equal(renewed.approval.voided.length, 1);
    assert.match(renewed.approval.voided[0].reason, /changed/);
    const ok = await h.api(`/api/v1/actions/${pending.executionId}/approve`, {
      body: { by: "alice", diffHash: renewed.approval.diffHash },
    });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal(replicas(h, "cart"), 5);
  });

  it("a high-risk change needs two distinct approvers (two-person rule)", async () => {
    const { h } = suite;
    const p = proposal(
      "update_network_policy",
      { kind: "NetworkPolicy", namespace: "shop", name: "web-ingress" },
      {
        direction: "ingress",
        operation: "add_rule",
        ports: [{ port: 80 }],
        peers: [{ podSelector: { app: "cart" } }],
      },
    );
    await h.publish(p);
    const pending = await h.executionOf(p.id, ["pending_approval", "rejected", "failed"]);
    assert.equal(pending.status, "pending_approval", pending.reason);
    assert.equal(pending.approval.required, 2);
    const decide = (by: string) =>
      h.api(`/api/v1/actions/${pending.executionId}/approve`, { body: { by, diffHash: pending.approval.diffHash } });
    const first = await decide("alice");
    assert.equal(first.status, 202);
    assert.deepEqual([first.body.data.approvals, first.body.data.required], [1, 2]);
    assert.equal((await decide("alice")).status, 202, "the same person twice is still one approval");
    const second = await decide("bob");
    assert.equal(second.status, 200, JSON.stringify(second.body));
    const row = await h.executionOf(p.id, ["succeeded"]);
    assert.deepEqual(
      row.policy.approval.approvers.map((a: any) => a.by),
      ["alice", "bob"],
    );
    const policy = h.sim.get<any>("NetworkPolicy", "web-ingress", "shop");
    assert.equal(policy.spec.ingress.length, 1);
  });

  it("a rejection is recorded with who and why; nothing changes", async () => {
    const { h } = suite;
    const p = proposal("scale_deployment", { ...web, name: "api" }, { replicas: 4 });
    await h.publish(p);
    const pending = await h.executionOf(p.id, ["pending_approval"]);
    const res = await h.api(`/api/v1/actions/${pending.executionId}/reject`, {
      body: { by: "bob", diffHash: pending.approval.diffHash, comment: "not during the sale" },
    });
    assert.equal(res.status, 200);
    const row = await h.executionOf(p.id, ["rejected"]);
    assert.match(row.reason, /bob.*not during the sale/);
    assert.equal(replicas(h, "api"), 1);
  });

  it("an undecided request expires", async () => {
    const { h } = suite;
    const p = proposal("scale_deployment", { ...web, name: "api" }, { replicas: 2 });
    await h.publish(p);
    await h.executionOf(p.id, ["pending_approval"]);
    const row = await h.executionOf(p.id, ["expired"], { timeoutMs: 30_000 });
    assert.equal(row.policy.approval.state, "expired");
    assert.equal(replicas(h, "api"), 1);
  });

  it("a decision sent on vigil.actions.approval.decided is applied like one over REST", async () => {
    const { h } = suite;
    const p = proposal("scale_deployment", { ...web, name: "api" }, { replicas: 2 });
    await h.publish(p);
    const pending = await h.executionOf(p.id, ["pending_approval"]);
    const requestId = pending.approval.requestId;
    await h.bus.publish(topics.approvalDecided, {
      ...derive(
        {
          id: requestId,
          correlationId: p.correlationId,
          incidentId: p.incidentId,
          alertname: p.alertname,
          fingerprint: p.fingerprint,
          owner: p.owner,
        },
        { id: deterministicId("t", requestId) },
      ),
      requestId,
      executionId: pending.executionId,
      decision: "approved",
      by: "carol",
      decidedAt: new Date().toISOString(),
      diffHash: pending.approval.diffHash,
    });
    const row = await h.executionOf(p.id, ["succeeded"]);
    assert.equal(row.policy.approval.approvers[0].by, "carol");
    await waitFor(() => replicas(h, "api") === 2);
  });
});

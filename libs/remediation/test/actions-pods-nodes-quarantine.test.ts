// quarantine_pod against the simulator: the pod leaves its ReplicaSet (which starts a replacement) and its Service's
// endpoints, keeps running for forensics, and the deny-all NetworkPolicy really isolates it (its upstream calls time
// out, so it fails readiness); revert restores the labels and deletes the policy. The dry run changes nothing;
// Vigil's namespace, pods already quarantined, StatefulSet and host-network pods are refused.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Pod } from "@vigil/kube-sim";
import { waitFor } from "@vigil/testing";

import { type ActionHarness, actionHarness, refusal } from "./action-harness.js";

const QUARANTINED = "vigil.dev/quarantined";
const ANNOTATION = "vigil.dev/quarantined-labels";

const deployment = (name: string, replicas: number, annotations = "", extra = "") => `
apiVersion: apps/v1
kind: Deployment
metadata: { name: ${name}, namespace: q }
spec:
  replicas: ${replicas}
  selector: { matchLabels: { app: ${name} } }
  template:
    metadata: { labels: { app: ${name}, tier: backend, team: payments }, annotations: { ${annotations} } }
    spec:
      ${extra}
      containers:
        - name: main
          image: nginx:1.27
          ports: [{ containerPort: 8080, name: http }]
          readinessProbe: { httpGet: { path: /ready, port: http }, periodSeconds: 5 }
---
apiVersion: v1
kind: Service
metadata: { name: ${name}, namespace: q }
spec: { selector: { app: ${name} }, ports: [{ port: 8080, targetPort: http }] }
---`;

const manifests = [
  deployment("api", 2, `sim.vigil.dev/upstreams: "http://catalog.q:8080"`),
  deployment("catalog", 1),
  `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: backend-ingress, namespace: q }
spec:
  podSelector: { matchLabels: { tier: backend } }
  policyTypes: [Ingress]
  ingress: [{ from: [{ podSelector: {} }] }]
---
apiVersion: v1
kind: Pod
metadata: { name: executor, namespace: vigil, labels: { app: vigil } }
spec: { containers: [{ name: main, image: "nginx:1.27" }] }
---
apiVersion: v1
kind: Pod
metadata: { name: host-agent, namespace: q }
spec: { hostNetwork: true, containers: [{ name: main, image: "nginx:1.27" }] }
`,
].join("\n");

const apiPods = (h: ActionHarness) =>
  h.sim.list<Pod>("Pod", "q").filter((p) => p.metadata.labels?.app === "api" && !p.metadata.deletionTimestamp);
const ready = (p: Pod | undefined) => p?.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") === true;
const endpointPods = (h: ActionHarness, svc: string): string[] =>
  ((h.sim.get("Endpoints", svc, "q")?.subsets ?? []) as Array<{ addresses?: Array<{ targetRef?: { name: string } }> }>).flatMap((s) =>
    (s.addresses ?? []).map((a) => a.targetRef?.name ?? ""),
  );

describe("quarantine_pod", () => {
  let h: ActionHarness;
  before(async () => {
    h = await actionHarness({ scenario: "healthy", manifests });
    await waitFor(async () => {
      await h.sim.advance("5s");
      return apiPods(h).filter(ready).length === 2 && endpointPods(h, "api").length === 2;
    });
  });
  after(() => h.stop());

  it("dry run creates no policy and leaves the pod's labels", async () => {
    const target = apiPods(h)[0]!;
    const run = await h.run(
      "quarantine_pod",
      { kind: "Pod", name: target.metadata.name!, namespace: "q" },
      { allowDnsEgress: true },
      { dryRun: true },
    );
    const policy = `vigil-quarantine-${target.metadata.name}`;
    assert.deepEqual((run.applied.after[`networkPolicies[${policy}]`] as { egress: unknown }).egress, [
      {
        ports: [
          { protocol: "UDP", port: 53 },
          { protocol: "TCP", port: 53 },
        ],
      },
    ]);
    assert.ok(run.log.operations.filter((o) => o.verb === "create" || o.verb === "patch").every((o) => o.dryRun));
    assert.equal(h.sim.get("NetworkPolicy", policy, "q"), undefined);
    assert.equal(h.sim.get<Pod>("Pod", target.metadata.name!, "q")!.metadata.resourceVersion, target.metadata.resourceVersion);
  });

  it("the pod leaves its ReplicaSet and Service, keeps running, is isolated; revert brings it back", async () => {
    const target = apiPods(h)[0]!;
    const name = target.metadata.name!;
    const hash = target.metadata.labels!["pod-template-hash"]!;
    const run = await h.run("quarantine_pod", { kind: "Pod", name, namespace: "q" }, {});
    const policyName = `vigil-quarantine-${name}`;
    assert.match(
      run.plan.summary,
      new RegExp(
        `quarantine pod q/${name}: deny-all NetworkPolicy ${policyName}, remove labels .* so it leaves ReplicaSet api-${hash}, Service api; it keeps running`,
      ),
    );
    // app and pod-template-hash (ReplicaSet, Service), tier (the backend-ingress policy, which would still let traffic in).
    assert.deepEqual(run.plan.before, {
      "metadata.labels[app]": "api",
      "metadata.labels[pod-template-hash]": hash,
      "metadata.labels[tier]": "backend",
      [`metadata.labels[${QUARANTINED}]`]: null,
      [`metadata.annotations[${ANNOTATION}]`]: null,
      [`networkPolicies[${policyName}]`]: null,
    });
    assert.equal(run.applied.after[`metadata.labels[${QUARANTINED}]`], name);
    assert.equal(run.applied.after["metadata.labels[app]"], null);
    assert.deepEqual(run.plan.consequences.namespaces, ["q"]);
    assert.ok(run.plan.consequences.writes?.[0]?.fields.some((f) => f.join("/") === `f:metadata/f:labels/f:${QUARANTINED}`));
    assert.equal(run.verification?.ok, true, run.verification?.detail);

    const live = h.sim.get<Pod>("Pod", name, "q")!;
    assert.deepEqual(live.metadata.labels, { team: "payments", [QUARANTINED]: name }, "only labels nothing selects on remain");
    assert.deepEqual(JSON.parse(live.metadata.annotations![ANNOTATION]!), { app: "api", "pod-template-hash": hash, tier: "backend" });
    const policy = h.sim.get("NetworkPolicy", policyName, "q")!;
    assert.deepEqual(policy.spec, { podSelector: { matchLabels: { [QUARANTINED]: name } }, policyTypes: ["Ingress", "Egress"] });
    assert.deepEqual(
      policy.metadata.ownerReferences?.map((r) => [r.kind, r.name, r.uid]),
      [["Pod", name, target.metadata.uid]],
    );

    await waitFor(
      async () => {
        await h.sim.advance("5s");
        const q = h.sim.get<Pod>("Pod", name, "q");
        return (
          q !== undefined &&
          q.metadata.ownerReferences === undefined && // released by its ReplicaSet
          apiPods(h).filter((p) => p.metadata.name !== name && ready(p)).length === 2 && // which replaced it
          !endpointPods(h, "api").includes(name) && // out of the Service
          q.status?.phase === "Running" && // still running, for forensics
          !ready(q) // its call to catalog times out: isolated
        );
      },
      { message: "released, replaced, out of the endpoints, running but isolated", timeoutMs: 20_000 },
    );
    const logs = await h.client.request(`/api/v1/namespaces/q/pods/${name}/log`);
    assert.match(logs, /ERROR upstream http:\/\/catalog\.q:8080: Error: connect ETIMEDOUT/, "the policy drops its traffic");

    await assert.rejects(h.plan("quarantine_pod", { kind: "Pod", name, namespace: "q" }, {}), refusal(/already quarantined/));

    const reverted = await h.revert(run.plan);
    assert.deepEqual(reverted, {
      "metadata.labels[app]": "api",
      "metadata.labels[pod-template-hash]": hash,
      "metadata.labels[tier]": "backend",
      [`metadata.labels[${QUARANTINED}]`]: null,
      [`metadata.annotations[${ANNOTATION}]`]: null,
      [`networkPolicies[${policyName}]`]: null,
    });
    assert.equal(h.sim.get("NetworkPolicy", policyName, "q"), undefined);
    await waitFor(
      async () => {
        await h.sim.advance("5s");
        // Adopted back, the ReplicaSet scales down to its 2 replicas again; both serve.
        return apiPods(h).length === 2 && apiPods(h).every(ready) && endpointPods(h, "api").length === 2;
      },
      { timeoutMs: 20_000 },
    );
  });

  it("refuses Vigil's namespace, StatefulSet pods and host-network pods", async () => {
    await assert.rejects(
      h.plan("quarantine_pod", { kind: "Pod", name: "executor", namespace: "vigil" }, {}),
      refusal(/Vigil's own namespace vigil/),
    );
    await assert.rejects(
      h.plan("quarantine_pod", { kind: "Pod", name: "postgres-0", namespace: "shop" }, {}),
      refusal(/controlled by StatefulSet postgres/),
    );
    await assert.rejects(
      h.plan("quarantine_pod", { kind: "Pod", name: "host-agent", namespace: "q" }, {}),
      refusal(/uses the host network/),
    );
  });
});

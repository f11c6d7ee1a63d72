// update_network_policy against the simulator's NetworkPolicy semantics: catalog pods deny all ingress, so api's
// upstream calls time out and api is not Ready; adding the ingress rule from app=api on 8080 makes api Ready, and
// removing it breaks api again. The JSON patch is guarded by the policy's resourceVersion; reverts apply the
// inverse; a dry run stores nothing; rules already there (add), absent (remove) or in an ungoverned direction are
// refused.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Pod } from "@vigil/kube-sim";
import { waitFor } from "@vigil/testing";
import { ActionFailure, KubeWriter, OperationLog } from "../src/index.js";
import { type ActionHarness, actionHarness, refusal } from "./action-harness.js";

const app = (name: string, annotations = "") => `
apiVersion: apps/v1
kind: Deployment
metadata: { name: ${name}, namespace: net }
spec:
  replicas: 1
  selector: { matchLabels: { app: ${name} } }
  template:
    metadata: { labels: { app: ${name} }, annotations: { ${annotations} } }
    spec:
      containers:
        - name: main
          image: nginx:1.27
          ports: [{ containerPort: 8080, name: http }]
          readinessProbe: { httpGet: { path: /ready, port: http }, periodSeconds: 5 }
---
apiVersion: v1
kind: Service
metadata: { name: ${name}, namespace: net }
spec: { selector: { app: ${name} }, ports: [{ port: 8080, targetPort: http }] }
---`;

const manifests = `${app("api", `sim.vigil.dev/upstreams: "http://catalog.net:8080"`)}
${app("catalog")}
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: catalog-ingress, namespace: net }
spec:
  podSelector: { matchLabels: { app: catalog } }
  policyTypes: [Ingress]
  ingress:
    - from: [{ ipBlock: { cidr: 192.168.0.0/16 } }]
`;

const target = { kind: "NetworkPolicy", name: "catalog-ingress", namespace: "net" };
const allowApi = { direction: "ingress", operation: "add_rule", ports: [{ port: 8080 }], peers: [{ podSelector: { app: "api" } }] };
const apiRule = { ports: [{ protocol: "TCP", port: 8080 }], from: [{ podSelector: { matchLabels: { app: "api" } } }] };
const monitoringRule = { from: [{ ipBlock: { cidr: "192.168.0.0/16" } }] };

const apiReady = (h: ActionHarness) =>
  h.sim
    .list<Pod>("Pod", "net")
    .some((p) => p.metadata.labels?.app === "api" && p.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True"));
const waitApiReady = (h: ActionHarness, want: boolean) =>
  waitFor(
    async () => {
      await h.sim.advance("5s");
      return apiReady(h) === want;
    },
    { message: `api ${want ? "Ready" : "not Ready"}`, timeoutMs: 20_000 },
  );

describe("update_network_policy", () => {
  let h: ActionHarness;
  before(async () => {
    h = await actionHarness({ scenario: "healthy", manifests });
    await waitFor(async () => {
      await h.sim.advance("5s");
      return h.sim.list<Pod>("Pod", "net").filter((p) => p.status?.phase === "Running").length === 2;
    });
    await waitApiReady(h, false);
  });
  after(() => h.stop());

  it("dry run stores nothing; a concurrent change voids the resourceVersion-guarded patch", async () => {
    const rv = h.sim.get("NetworkPolicy", "catalog-ingress", "net")!.metadata.resourceVersion;
    const dry = await h.run("update_network_policy", target, allowApi, { dryRun: true });
    assert.deepEqual(dry.applied.after, { "spec.ingress": [monitoringRule, apiRule] }, "what it would be");
    const patch = dry.log.operations.find((o) => o.verb === "patch");
    assert.deepEqual([patch?.patchType, patch?.dryRun], ["json", true]);
    assert.equal(h.sim.get("NetworkPolicy", "catalog-ingress", "net")!.metadata.resourceVersion, rv);

    const { plan } = await h.plan("update_network_policy", target, allowApi);
    h.sim.patch("NetworkPolicy", "catalog-ingress", { metadata: { labels: { owner: "netops" } } }, { namespace: "net" });
    await assert.rejects(plan.apply(new KubeWriter(h.client, new OperationLog(), false)), (err: unknown) => {
      assert.ok(err instanceof ActionFailure, String(err));
      assert.match(
        err.message,
        /NetworkPolicy net\/catalog-ingress changed since it was read .*nothing was patched; plan the change again/,
      );
      return true;
    });
    assert.equal(h.sim.get("NetworkPolicy", "catalog-ingress", "net")!.spec.ingress.length, 1);
  });

  it("add_rule lets api reach catalog; revert removes it again", async () => {
    const run = await h.run("update_network_policy", target, allowApi);
    assert.match(run.plan.summary, /add ingress rule TCP 8080 from .*"app":"api".* to NetworkPolicy net\/catalog-ingress/);
    assert.deepEqual(run.plan.before, { "spec.ingress": [monitoringRule] });
    assert.deepEqual(run.applied.after, { "spec.ingress": [monitoringRule, apiRule] });
    assert.deepEqual(run.plan.consequences.writes?.[0]?.fields, [["f:spec", "f:ingress"]]);
    assert.equal(run.verification?.ok, true, run.verification?.detail);
    await waitApiReady(h, true);
    await assert.rejects(h.plan("update_network_policy", target, allowApi), refusal(/already has the ingress rule TCP 8080 from/));

    assert.deepEqual(await h.revert(run.plan), { "spec.ingress": [monitoringRule] });
    await waitApiReady(h, false);
  });

  it("remove_rule takes an identical rule out; revert puts it back where it was", async () => {
    await h.run("update_network_policy", target, allowApi);
    await waitApiReady(h, true);
    const remove = { ...allowApi, operation: "remove_rule", ports: [{ port: 8080, protocol: "TCP" }] };
    const run = await h.run("update_network_policy", target, remove);
    assert.deepEqual(run.applied.after, { "spec.ingress": [monitoringRule] });
    assert.equal(run.verification?.ok, true, run.verification?.detail);
    await waitApiReady(h, false);
    await assert.rejects(h.plan("update_network_policy", target, remove), refusal(/has no ingress rule identical to TCP 8080 from/));

    const removeFirst = await h.run("update_network_policy", target, {
      direction: "ingress",
      operation: "remove_rule",
      peers: [{ cidr: "192.168.0.0/16" }],
    });
    assert.deepEqual(removeFirst.applied.after, { "spec.ingress": [] });
    assert.deepEqual(await h.revert(removeFirst.plan), { "spec.ingress": [monitoringRule] }, "restored at its index");
  });

  it("refuses a rule in a direction the policy does not govern", async () => {
    await assert.rejects(
      h.plan("update_network_policy", target, { direction: "egress", operation: "add_rule", ports: [{ port: 53, protocol: "UDP" }] }),
      refusal(/has policyTypes \[Ingress\], so it does not govern egress: the rule would have no effect/),
    );
  });
});

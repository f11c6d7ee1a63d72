// scale_deployment, scale_statefulset and update_hpa against the simulator: spec.replicas through the scale
// subresource (and the pods that follow), a dry run that stores nothing, the refusals, the reverts; and, with the
// hpa-at-max scenario, an HPA-controlled Deployment scaled through its HPA's bounds instead of behind its back.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { waitFor } from "@vigil/testing";

import { type ActionHarness, actionHarness, refusal } from "./action-harness.js";

/** What the simulator's objects always carry. */
type Typed = { apiVersion: string; kind: string };

type Obj = Typed & {
  metadata: { resourceVersion: string; labels?: Record<string, string> };
  spec: { replicas?: number; minReplicas?: number; maxReplicas?: number };
  status?: { phase?: string; currentReplicas?: number };
};

const manifests = `
apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: shop }
spec:
  replicas: 2
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec: { containers: [{ name: web, image: shop/web:1.0, resources: { requests: { cpu: 50m, memory: 64Mi } } }] }
---
apiVersion: apps/v1
kind: StatefulSet
metadata: { name: kv, namespace: shop }
spec:
  replicas: 1
  serviceName: kv
  selector: { matchLabels: { app: kv } }
  template:
    metadata: { labels: { app: kv } }
    spec: { containers: [{ name: kv, image: shop/kv:1.0 }] }
`;

const podsOf = (h: ActionHarness, app: string, ns = "shop") =>
  h.sim
    .list<Obj>("Pod", ns)
    .filter((p) => p.metadata.labels?.["app"] === app && p.status?.phase !== "Failed" && p.status?.phase !== "Succeeded");

describe("scale_deployment and scale_statefulset", () => {
  let h: ActionHarness;
  before(async () => {
    h = await actionHarness({ scenario: "hpa-at-max", manifests });
  });
  after(() => h.stop());

  const web = { kind: "Deployment", name: "web", namespace: "shop" };

  it("scales a Deployment live through the scale subresource; its pods follow; revert scales back", async () => {
    const run = await h.run("scale_deployment", web, { replicas: 4 });
    assert.equal(run.plan.summary, "scale Deployment shop/web from 2 to 4 replicas");
    assert.deepEqual(run.plan.before, { "spec.replicas": 2 });
    assert.deepEqual(run.applied.after, { "spec.replicas": 4 });
    assert.equal(run.verification?.ok, true, run.verification?.detail);
    assert.equal(h.sim.get<Obj>("Deployment", "web", "shop")?.spec.replicas, 4);
    assert.ok(run.log.operations.some((o) => o.resource === "deployments/scale" && o.verb === "patch" && !o.dryRun && o.status === 200));
    const c = run.plan.consequences;
    assert.deepEqual({ from: c.replicas?.from, to: c.replicas?.to }, { from: 2, to: 4 });
    assert.deepEqual(c.writes?.[0]?.fields, [["f:spec", "f:replicas"]]);
    assert.equal(c.writes?.[0]?.subresource, "scale");
    assert.ok(c.writes?.[0]?.object.metadata?.managedFields?.length, "the live object with its managedFields");
    await waitFor(() => podsOf(h, "web").length === 4, { message: "4 web pods" });

    assert.deepEqual(await h.revert(run.plan), { "spec.replicas": 2 });
    assert.equal(h.sim.get<Obj>("Deployment", "web", "shop")?.spec.replicas, 2);
  });

  it("dry run: the API server answers with the new count, nothing changes", async () => {
    const rv = h.sim.get<Obj>("Deployment", "web", "shop")!.metadata.resourceVersion;
    const run = await h.run("scale_deployment", web, { replicas: 6 }, { dryRun: true });
    assert.deepEqual(run.applied.after, { "spec.replicas": 6 });
    assert.ok(run.log.operations.some((o) => o.resource === "deployments/scale" && o.dryRun));
    const now = h.sim.get<Obj>("Deployment", "web", "shop")!;
    assert.equal(now.metadata.resourceVersion, rv);
    assert.equal(now.spec.replicas, 2);
  });

  it("refuses a count it already has, a missing target, and the wrong kind", async () => {
    await assert.rejects(h.plan("scale_deployment", web, { replicas: 2 }), refusal(/Deployment shop\/web already has 2 replicas/));
    await assert.rejects(
      h.plan("scale_deployment", { ...web, name: "gone" }, { replicas: 2 }),
      refusal(/Deployment shop\/gone does not exist/),
    );
    await assert.rejects(
      h.plan("scale_deployment", { kind: "StatefulSet", name: "kv", namespace: "shop" }, { replicas: 2 }),
      refusal(/applies to Deployment, not to StatefulSet shop\/kv/),
    );
  });

  it("scales a StatefulSet live, and back", async () => {
    const kv = { kind: "StatefulSet", name: "kv", namespace: "shop" };
    const run = await h.run("scale_statefulset", kv, { replicas: 3 });
    assert.equal(run.plan.summary, "scale StatefulSet shop/kv from 1 to 3 replicas");
    assert.deepEqual(run.applied.after, { "spec.replicas": 3 });
    assert.equal(run.verification?.ok, true);
    assert.ok(run.log.operations.some((o) => o.resource === "statefulsets/scale" && !o.dryRun));
    await waitFor(
      async () => {
        await h.sim.advance("5s");
        return (
          podsOf(h, "kv")
            .map((p) => (p as unknown as { metadata: { name: string } }).metadata.name)
            .sort()
            .join() === "kv-0,kv-1,kv-2"
        );
      },
      { message: "kv-0..2 (OrderedReady)" },
    );
    const rv = h.sim.get<Obj>("StatefulSet", "kv", "shop")!.metadata.resourceVersion;
    const dry = await h.run("scale_statefulset", kv, { replicas: 5 }, { dryRun: true });
    assert.deepEqual(dry.applied.after, { "spec.replicas": 5 });
    assert.equal(h.sim.get<Obj>("StatefulSet", "kv", "shop")!.metadata.resourceVersion, rv);
    await h.revert(run.plan);
    assert.equal(h.sim.get<Obj>("StatefulSet", "kv", "shop")?.spec.replicas, 1);
  });

  it("an HPA-controlled Deployment is never scaled directly: the plan raises the HPA's bounds instead, and revert restores them", async () => {
    const search = { kind: "Deployment", name: "search", namespace: "shop" };
    const deploymentRv = h.sim.get<Obj>("Deployment", "search", "shop")!.metadata.resourceVersion;
    const replicasBefore = h.sim.get<Obj>("Deployment", "search", "shop")!.spec.replicas!;
    assert.equal(replicasBefore, 4, "hpa-at-max: the HPA holds search at its maxReplicas 4");

    const dry = await h.run("scale_deployment", search, { replicas: 8 }, { dryRun: true });
    assert.equal(
      dry.plan.summary,
      "an HPA controls shop/search's replicas: raising HPA search minReplicas 2 → 8 and maxReplicas 4 → 8 instead (Deployment shop/search runs 4)",
    );
    assert.deepEqual(dry.applied.after, { "spec.minReplicas": 8, "spec.maxReplicas": 8 });
    assert.equal(h.sim.get<Obj>("HorizontalPodAutoscaler", "search", "shop")?.spec.maxReplicas, 4, "dry run: the HPA is unchanged");

    const run = await h.run("scale_deployment", search, { replicas: 8 });
    assert.deepEqual(run.plan.subject?.ref, { kind: "HorizontalPodAutoscaler", name: "search", namespace: "shop" });
    assert.deepEqual(run.plan.before, { "spec.minReplicas": 2, "spec.maxReplicas": 4 });
    assert.deepEqual(run.plan.consequences.writes?.[0]?.fields, [
      ["f:spec", "f:minReplicas"],
      ["f:spec", "f:maxReplicas"],
    ]);
    assert.equal(run.plan.consequences.writes?.[0]?.object.kind, "HorizontalPodAutoscaler");
    assert.deepEqual({ from: run.plan.consequences.replicas?.from, to: run.plan.consequences.replicas?.to }, { from: 4, to: 8 });
    assert.equal(run.verification?.ok, true, run.verification?.detail);
    assert.ok(!run.log.operations.some((o) => o.resource === "deployments/scale"), "no direct scale");
    assert.equal(
      h.sim.get<Obj>("Deployment", "search", "shop")!.metadata.resourceVersion,
      deploymentRv,
      "the Deployment was not written by us",
    );
    // The HPA itself scales the Deployment to its new minimum.
    await waitFor(
      async () => {
        await h.sim.advance("15s");
        return h.sim.get<Obj>("Deployment", "search", "shop")!.spec.replicas! >= 8;
      },
      { message: "the HPA scales search to ≥ 8" },
    );

    assert.deepEqual(await h.revert(run.plan), { "spec.minReplicas": 2, "spec.maxReplicas": 4 });
    const hpa = h.sim.get<Obj>("HorizontalPodAutoscaler", "search", "shop")!;
    assert.deepEqual([hpa.spec.minReplicas, hpa.spec.maxReplicas], [2, 4]);
  });

  it("a scale-down of an HPA-controlled Deployment lowers maxReplicas (and minReplicas when above)", async () => {
    const { plan } = await h.plan("scale_deployment", { kind: "Deployment", name: "search", namespace: "shop" }, { replicas: 1 });
    assert.match(plan.summary, /lowering HPA search minReplicas 2 → 1 and maxReplicas 4 → 1 instead/);
  });
});

describe("update_hpa", () => {
  let h: ActionHarness;
  before(async () => {
    h = await actionHarness({ scenario: "hpa-at-max" });
  });
  after(() => h.stop());
  const hpa = { kind: "HorizontalPodAutoscaler", name: "search", namespace: "shop" };

  it("dry run: validated by the API server, nothing stored", async () => {
    const rv = h.sim.get<Obj>("HorizontalPodAutoscaler", "search", "shop")!.metadata.resourceVersion;
    const run = await h.run("update_hpa", hpa, { maxReplicas: 20 }, { dryRun: true });
    assert.deepEqual(run.applied.after, { "spec.minReplicas": 2, "spec.maxReplicas": 20 });
    assert.equal(h.sim.get<Obj>("HorizontalPodAutoscaler", "search", "shop")!.metadata.resourceVersion, rv);
  });

  it("reports the scale new bounds force on the target, for the capacity and quota preflight", async () => {
    const up = await h.plan("update_hpa", hpa, { minReplicas: 6, maxReplicas: 20 });
    assert.match(
      up.plan.summary,
      /minReplicas 2 → 6 and maxReplicas 4 → 20 \(it scales Deployment search, which goes from 4 to 6 replicas\)$/,
    );
    assert.deepEqual({ from: up.plan.consequences.replicas?.from, to: up.plan.consequences.replicas?.to }, { from: 4, to: 6 });
    assert.equal(up.plan.consequences.replicas?.podSpec.containers[0]?.name, "search");
    const down = await h.plan("update_hpa", hpa, { maxReplicas: 3 });
    assert.deepEqual({ from: down.plan.consequences.replicas?.from, to: down.plan.consequences.replicas?.to }, { from: 4, to: 3 });
    const same = await h.plan("update_hpa", hpa, { maxReplicas: 30 });
    assert.equal(same.plan.consequences.replicas, undefined, "a higher maximum forces nothing: the HPA decides");
  });

  it("raising maxReplicas lets the pinned HPA scale out (the hpa-at-max fix); revert restores the bound", async () => {
    const run = await h.run("update_hpa", hpa, { maxReplicas: 20 });
    assert.match(run.plan.summary, /^change HorizontalPodAutoscaler shop\/search maxReplicas 4 → 20 \(it scales Deployment search\)$/);
    assert.deepEqual(run.plan.before, { "spec.minReplicas": 2, "spec.maxReplicas": 4 });
    assert.deepEqual(run.applied.after, { "spec.minReplicas": 2, "spec.maxReplicas": 20 });
    assert.deepEqual(run.plan.consequences.writes?.[0]?.fields, [["f:spec", "f:maxReplicas"]]);
    assert.equal(run.verification?.ok, true, run.verification?.detail);
    assert.ok(run.log.operations.some((o) => o.resource === "horizontalpodautoscalers" && o.patchType === "merge" && !o.dryRun));
    await waitFor(
      async () => {
        await h.sim.advance("15s");
        return h.sim.get<Obj>("Deployment", "search", "shop")!.spec.replicas! > 4;
      },
      { message: "search scales out past 4" },
    );
    assert.deepEqual(await h.revert(run.plan), { "spec.minReplicas": 2, "spec.maxReplicas": 4 });
    assert.equal(h.sim.get<Obj>("HorizontalPodAutoscaler", "search", "shop")!.spec.maxReplicas, 4);
  });

  it("refuses no change, and a minimum above the maximum", async () => {
    await assert.rejects(
      h.plan("update_hpa", hpa, { minReplicas: 2, maxReplicas: 4 }),
      refusal(/already has minReplicas 2 and maxReplicas 4/),
    );
    await assert.rejects(
      h.plan("update_hpa", hpa, { minReplicas: 6 }),
      refusal(/minReplicas 6 above maxReplicas 4: give a higher maxReplicas as well/),
    );
    await assert.rejects(
      h.plan("update_hpa", hpa, { maxReplicas: 1 }),
      refusal(/minReplicas 2 above maxReplicas 1: give a lower minReplicas as well/),
    );
  });
});

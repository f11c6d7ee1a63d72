// WORKLOAD_RECENT_ROLLOUT on the simulator's rollout scenarios: a bad release (readiness, init container, image
// tag, memory leak) fires with rollback_deployment; the healthy shop, a rollout whose pods are healthy, and a
// rollout older than settings.recentRolloutMs do not.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { KubernetesObject, V1Deployment } from "@kubernetes/client-node";
import { DEFAULT_CACHED_KINDS } from "@vigil/kube";
import { KubeSim } from "@vigil/kube-sim";
import { defaultAnalysisSettings } from "../src/analyzer-definition.js";
import { analysisContextFor, findingsFor, type AnalysisHarness } from "./analysis-helpers.js";

async function withScenario<T>(scenario: string, fn: (h: AnalysisHarness, sim: KubeSim) => Promise<T>): Promise<T> {
  const sim = await KubeSim.start({ scenario, clock: "virtual" });
  const h = await analysisContextFor(sim);
  try {
    return await fn(h, sim);
  } finally {
    await h.stop();
    await sim.stop();
  }
}

const rolloutFindings = (obj: KubernetesObject, h: AnalysisHarness, settings = defaultAnalysisSettings) =>
  findingsFor(obj, h.ctx({ settings })).filter((f) => f.code === "WORKLOAD_RECENT_ROLLOUT");

const deployment = (h: AnalysisHarness, name: string) => h.cache.get({ kind: "Deployment", namespace: "shop", name }) as V1Deployment;

describe("WORKLOAD_RECENT_ROLLOUT", () => {
  it("bad-rollout-readiness: fires with rollback_deployment, strongly (old pods healthy side by side); not for an old rollout", () =>
    withScenario("bad-rollout-readiness", async (h) => {
      const [f, ...rest] = rolloutFindings(deployment(h, "storefront"), h);
      assert.ok(f, "a finding");
      assert.equal(rest.length, 0);
      assert.deepEqual(f.resource, { kind: "Deployment", namespace: "shop", name: "storefront" });
      assert.match(f.summary, /shop\/storefront:2\.4\.0/);
      assert.match(f.summary, /NotReady/);
      assert.deepEqual(f.hypotheses?.[0]?.actions, ["rollback_deployment", "pause_rollout"]);
      assert.ok(f.hypotheses[0].confidence >= 0.8, `confidence ${f.hypotheses[0].confidence}`);
      assert.match(f.detail, /shop\/storefront:2\.3\.0/, "names the previous release");
      // The same rollout, judged with a one-minute notion of "recent": old, no finding.
      assert.deepEqual(rolloutFindings(deployment(h, "storefront"), h, { ...defaultAnalysisSettings, recentRolloutMs: 60_000 }), []);
    }));

  it("init-container-failing: fires, naming the init container failure", () =>
    withScenario("init-container-failing", async (h) => {
      const [f] = rolloutFindings(deployment(h, "orders"), h);
      assert.ok(f);
      assert.match(f.summary, /Init:/);
      assert.ok(f.evidence.some((e) => e.kind === "object" && e.ref.kind === "Pod" && e.ref.container === "db-migrate"));
      assert.deepEqual(f.hypotheses?.[0]?.actions?.[0], "rollback_deployment");
    }));

  it("image-pull-backoff: fires for the unpullable tag", () =>
    withScenario("image-pull-backoff", async (h) => {
      const [f] = rolloutFindings(deployment(h, "catalog"), h);
      assert.ok(f);
      assert.match(f.summary, /ImagePullBackOff|ErrImagePull/);
      assert.match(f.summary, /1\.8\.0-rc1/);
    }));

  it("slow-memory-leak: fires for the leaking release, with less confidence (failures came hours after the rollout)", () =>
    withScenario("slow-memory-leak", async (h) => {
      const [f] = rolloutFindings(deployment(h, "search"), h);
      assert.ok(f, "the 4.2.0 rollout, three hours ago, is within the default window");
      assert.match(f.summary, /OOMKilled/);
      assert.match(f.summary, /shop\/search:4\.2\.0/);
      const confidence = f.hypotheses![0]!.confidence;
      assert.ok(confidence < 0.8 && confidence >= 0.3, `confidence ${confidence}`);
    }));

  it("healthy: no finding for any workload, nor for a new revision whose pods are healthy", () =>
    withScenario("healthy", async (h, sim) => {
      const workloads = (["Deployment", "StatefulSet", "DaemonSet"] as const).flatMap((k) => h.cache.store(k).list() as KubernetesObject[]);
      assert.ok(workloads.length >= 4);
      for (const w of workloads) assert.deepEqual(rolloutFindings(w, h), [], `${w.kind} ${w.metadata?.name}`);
      // A rollout of web (a new template annotation) whose pods come up fine.
      sim.patch(
        "Deployment",
        "web",
        { spec: { template: { metadata: { annotations: { "example.com/restartedAt": "now" } } } } },
        { namespace: "shop" },
      );
      await h.advance("3m");
      const web = deployment(h, "web");
      assert.equal(web.metadata?.annotations?.["deployment.kubernetes.io/revision"], "2", "rolled out");
      assert.deepEqual(rolloutFindings(web, h), []);
    }));
});

describe("WORKLOAD_RECENT_ROLLOUT: StatefulSet and DaemonSet revisions", () => {
  it("fires for a DaemonSet and a StatefulSet rolled out to an image that does not pull", async () => {
    const sim = await KubeSim.start({ scenario: "healthy", clock: "virtual" });
    // ControllerRevisions cached: a one-replica StatefulSet keeps no pod of its previous revision to compare with.
    const h = await analysisContextFor(sim, { kinds: [...DEFAULT_CACHED_KINDS, "ControllerRevision"] });
    try {
      sim.patch(
        "DaemonSet",
        "node-exporter",
        { spec: { template: { spec: { containers: [{ name: "node-exporter", image: "prom/node-exporter:v9.9.9" }] } } } },
        { namespace: "monitoring" },
      );
      sim.patch(
        "StatefulSet",
        "postgres",
        { spec: { template: { spec: { containers: [{ name: "postgres", image: "postgres:99.0" }] } } } },
        { namespace: "shop" },
      );
      await h.advance("2m");
      const ds = h.cache.get({ kind: "DaemonSet", namespace: "monitoring", name: "node-exporter" })!;
      const [dsFinding] = rolloutFindings(ds, h);
      assert.ok(dsFinding, "DaemonSet finding");
      assert.match(dsFinding.summary, /ImagePullBackOff|ErrImagePull/);
      assert.match(dsFinding.summary, /v9\.9\.9/);
      const sts = h.cache.get({ kind: "StatefulSet", namespace: "shop", name: "postgres" })!;
      const [stsFinding] = rolloutFindings(sts, h);
      assert.ok(stsFinding, "StatefulSet finding");
      assert.match(stsFinding.summary, /postgres:99\.0/);
    } finally {
      await h.stop();
      await sim.stop();
    }
  });
});

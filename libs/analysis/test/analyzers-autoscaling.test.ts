// HPA and PodDisruptionBudget analyzers against hpa-at-max, hpa-metrics-unavailable and pdb-blocks-drain, with
// the normal states k8sgpt reports as problems (TooFewReplicas at minReplicas, a target scaled to zero, a budget
// that blocks only because its pods are down) loaded as small manifests.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { KubeSim } from "@vigil/kube-sim";
import type { AnalyzerFinding } from "../src/run-analyzers.js";
import { analysisContextFor, findingsFor, type AnalysisHarness } from "./analysis-helpers.js";

function findings(h: AnalysisHarness, namespace?: string): AnalyzerFinding[] {
  const ctx = h.ctx();
  const filter = namespace ? { namespace } : {};
  return [...h.cache.store("HorizontalPodAutoscaler").list(filter), ...h.cache.store("PodDisruptionBudget").list(filter)].flatMap((o) =>
    findingsFor(o, ctx).filter((f) => /^(HPA|PDB)_/.test(f.code)),
  );
}

const describeFindings = (fs: AnalyzerFinding[]): string =>
  fs.map((f) => `${f.code} ${f.resource.namespace}/${f.resource.name}: ${f.summary}`).join("\n");

async function scenario(name: string): Promise<{ sim: KubeSim; h: AnalysisHarness }> {
  const sim = await KubeSim.start({ scenario: name, clock: "virtual" });
  return { sim, h: await analysisContextFor(sim) };
}

describe("HPA on hpa-at-max, plus traps", () => {
  let sim: KubeSim;
  let h: AnalysisHarness;
  before(async () => {
    ({ sim, h } = await scenario("hpa-at-max"));
  });
  after(async () => {
    await h?.stop();
    await sim?.stop();
  });

  test("ScalingLimited TooManyReplicas at maxReplicas: HPA_AT_MAX_REPLICAS with update_hpa; a restart ruled out", () => {
    const fs = findings(h, "shop");
    assert.equal(fs.length, 1, describeFindings(fs));
    const f = fs[0]!;
    assert.equal(f.code, "HPA_AT_MAX_REPLICAS");
    assert.deepEqual(f.resource, { kind: "HorizontalPodAutoscaler", name: "search", namespace: "shop" });
    assert.match(f.summary, /maxReplicas 4 with cpu 300% \(target cpu 60%\)/);
    assert.deepEqual(f.hypotheses![0]!.actions, ["update_hpa"]);
    assert.match(
      f.hypotheses![0]!.statement,
      /restarting Deployment search will not help/,
      "the wrong fix is ruled out where it is tempting",
    );
  });

  test("raising maxReplicas clears it once the HPA has scaled out", async () => {
    sim.patch("HorizontalPodAutoscaler", "search", { spec: { maxReplicas: 30 } }, { namespace: "shop" });
    await h.advance("3m");
    assert.deepEqual(findings(h, "shop"), []);
  });

  test("traps: TooFewReplicas at minReplicas, a target scaled to zero (ScalingDisabled): no finding; a missing target is", async () => {
    sim.load(HPA_TRAPS);
    await h.advance("2m");
    const quiet = h.cache.get({ kind: "HorizontalPodAutoscaler", namespace: "hpa-traps", name: "idle" });
    assert.equal(quiet?.status?.conditions?.find((c) => c.type === "ScalingLimited")?.reason, "TooFewReplicas", "the trap is set");
    const off = h.cache.get({ kind: "HorizontalPodAutoscaler", namespace: "hpa-traps", name: "off" });
    assert.equal(off?.status?.conditions?.find((c) => c.type === "ScalingActive")?.reason, "ScalingDisabled", "the trap is set");
    const fs = findings(h, "hpa-traps");
    assert.deepEqual(
      fs.map((f) => [f.code, f.resource.name]),
      [["HPA_UNABLE_TO_SCALE", "orphan"]],
      describeFindings(fs),
    );
    assert.match(fs[0]!.summary, /Deployment gone, which does not exist/);
  });
});

describe("HPA on hpa-metrics-unavailable", () => {
  let sim: KubeSim;
  let h: AnalysisHarness;
  before(async () => {
    ({ sim, h } = await scenario("hpa-metrics-unavailable"));
  });
  after(async () => {
    await h?.stop();
    await sim?.stop();
  });

  test("ScalingActive=False FailedGetResourceMetric: HPA_METRICS_UNAVAILABLE naming the container without a CPU request", () => {
    const fs = findings(h, "shop");
    assert.equal(fs.length, 1, describeFindings(fs));
    const f = fs[0]!;
    assert.equal(f.code, "HPA_METRICS_UNAVAILABLE");
    assert.match(f.summary, /container recommender of Deployment recommendations has no cpu request/);
    assert.deepEqual(f.hypotheses![0]!.actions, ["increase_resources"]);
    assert.match(f.hypotheses![0]!.statement, /raising maxReplicas \(update_hpa\) will not help/);
    assert.ok(!f.hypotheses!.some((hy) => hy.actions?.includes("update_hpa")), "no hypothesis offers the wrong fix");
  });

  test("a CPU request on the container clears it", async () => {
    sim.patch(
      "Deployment",
      "recommendations",
      { spec: { template: { spec: { containers: [{ name: "recommender", resources: { requests: { cpu: "250m" } } }] } } } },
      { namespace: "shop" },
    );
    await h.advance("2m");
    assert.deepEqual(findings(h, "shop"), [], describeFindings(findings(h, "shop")));
  });
});

describe("PDB on pdb-blocks-drain, plus traps", () => {
  let sim: KubeSim;
  let h: AnalysisHarness;
  before(async () => {
    ({ sim, h } = await scenario("pdb-blocks-drain"));
  });
  after(async () => {
    await h?.stop();
    await sim?.stop();
  });

  test("minAvailable = replicas, all healthy, a pod on a cordoned node: PDB_BLOCKING_DISRUPTION, critical, scale up; drain retry ruled out", () => {
    const fs = findings(h, "finance");
    assert.equal(fs.length, 1, describeFindings(fs));
    const f = fs[0]!;
    assert.equal(f.code, "PDB_BLOCKING_DISRUPTION");
    assert.equal(f.severity, "critical");
    assert.deepEqual(f.resource, { kind: "PodDisruptionBudget", name: "ledger", namespace: "finance" });
    assert.match(f.summary, /on cordoned worker-1 cannot be evicted/);
    assert.ok(f.evidence.some((e) => e.kind === "object" && e.ref.kind === "Pod" && /cordoned worker-1/.test(e.summary)));
    assert.deepEqual(f.hypotheses![0]!.actions, ["scale_deployment"]);
    assert.match(f.hypotheses![0]!.statement, /Deployment ledger/);
    assert.match(f.hypotheses![0]!.statement, /retrying the drain .* will not help/);
    assert.ok(!f.hypotheses!.some((hy) => hy.actions?.includes("drain_node")));
  });

  test("the cordon itself is a NODE_UNSCHEDULABLE info finding", () => {
    const ctx = h.ctx();
    const fs = h.cache
      .store("Node")
      .list()
      .flatMap((n) => findingsFor(n, ctx));
    assert.deepEqual(
      fs.map((f) => [f.code, f.severity, f.resource.name]),
      [["NODE_UNSCHEDULABLE", "info", "worker-1"]],
    );
  });

  test("traps: a budget blocking only because its pods are down gives no finding; one selecting nothing is PDB_SELECTS_NOTHING", async () => {
    sim.load(PDB_TRAPS);
    await h.advance("1m");
    const broken = h.cache.get({ kind: "PodDisruptionBudget", namespace: "pdb-traps", name: "broken" });
    assert.equal(broken?.status?.disruptionsAllowed, 0, "the trap is set");
    const fs = findings(h, "pdb-traps");
    assert.deepEqual(
      fs.map((f) => [f.code, f.severity, f.resource.name]),
      [["PDB_SELECTS_NOTHING", "info", "stale"]],
      describeFindings(fs),
    );
  });

  test("scaling ledger to 3 allows one disruption: no finding", async () => {
    sim.patch("Deployment", "ledger", { spec: { replicas: 3 } }, { namespace: "finance" });
    await h.advance("1m");
    assert.deepEqual(findings(h, "finance"), [], describeFindings(findings(h, "finance")));
  });
});

const deployment = (name: string, ns: string, opts: { replicas: number; image?: string; annotations?: Record<string, string> }) => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name, namespace: ns },
  spec: {
    replicas: opts.replicas,
    selector: { matchLabels: { app: name } },
    template: {
      metadata: { labels: { app: name }, ...(opts.annotations ? { annotations: opts.annotations } : {}) },
      spec: {
        containers: [
          {
            name,
            image: opts.image ?? "nginx:1.27",
            resources: { requests: { cpu: "100m", memory: "64Mi" }, limits: { memory: "128Mi" } },
          },
        ],
      },
    },
  },
});

const hpa = (name: string, ns: string, target: string, min: number, max: number) => ({
  apiVersion: "autoscaling/v2",
  kind: "HorizontalPodAutoscaler",
  metadata: { name, namespace: ns },
  spec: {
    scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: target },
    minReplicas: min,
    maxReplicas: max,
    metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } } }],
  },
});

const HPA_TRAPS = [
  { apiVersion: "v1", kind: "Namespace", metadata: { name: "hpa-traps" } },
  deployment("idle", "hpa-traps", { replicas: 3, annotations: { "sim.vigil.dev/workload-cpu-demand": "10m" } }),
  hpa("idle", "hpa-traps", "idle", 3, 10),
  deployment("off", "hpa-traps", { replicas: 0 }),
  hpa("off", "hpa-traps", "off", 1, 5),
  hpa("orphan", "hpa-traps", "gone", 1, 5),
];

const pdb = (name: string, ns: string, app: string, minAvailable: number) => ({
  apiVersion: "policy/v1",
  kind: "PodDisruptionBudget",
  metadata: { name, namespace: ns },
  spec: { minAvailable, selector: { matchLabels: { app } } },
});

const PDB_TRAPS = [
  { apiVersion: "v1", kind: "Namespace", metadata: { name: "pdb-traps" } },
  deployment("broken", "pdb-traps", { replicas: 2, annotations: { "sim.vigil.dev/crash-exit-code": "1" } }),
  pdb("broken", "pdb-traps", "broken", 1),
  pdb("stale", "pdb-traps", "renamed-away", 1),
];

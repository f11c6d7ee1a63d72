// Every simulator scenario, diagnosed directly (no NATS): the alert of scenario-expectations.ts against the
// scenario after its warm-up, a ClusterCache, the kubelet/metrics-server usage poller and, where the row has
// them, kernel events in the telemetry windows. The diagnosis must be a valid DiagnosisMessage (unique
// evidence ids, ranked hypotheses, catalog actions) whose outcome, target, owner and main finding match.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { diagnosisMessage, type AlertMessage, type DiagnosisMessage, type NodeSampleMessage } from "@vigil/contracts";
import { UsageCache } from "@vigil/kube";
import { KubeSim, type Pod } from "@vigil/kube-sim";
import { diagnose } from "../src/diagnosis/diagnose.js";
import { resolveTarget } from "../src/diagnosis/resolve-target.js";
import { NodeTelemetry } from "../src/telemetry/node-telemetry.js";
import { analysisContextFor, type AnalysisHarness } from "./analysis-helpers.js";
import { alertMessageFor, expectationProblems, scenarioExpectations, type ScenarioExpectation } from "@vigil/acceptance";

interface Diagnosed {
  alert: AlertMessage;
  diagnosis: DiagnosisMessage;
  now: number;
}

/** Loads the scenario, diagnoses the row's alert, and stops everything. */
async function diagnoseScenario(row: ScenarioExpectation): Promise<Diagnosed> {
  const sim = await KubeSim.start({ scenario: row.scenario, clock: "virtual" });
  let harness: AnalysisHarness | undefined;
  let usage: UsageCache | undefined;
  try {
    harness = await analysisContextFor(sim);
    const cache = harness.cache;
    usage = new UsageCache({ client: cache.client, nodes: () => cache.store("Node").list(), intervalMs: 60_000, volumeIntervalMs: 60_000 });
    await usage.start();
    const telemetry = new NodeTelemetry();
    for (const e of row.kernelEvents?.(sim) ?? []) telemetry.addKernelEvent(e);
    const ctx = harness.ctx({ telemetry, usage });
    const alert = alertMessageFor(row.alert(sim), new Date(ctx.now - 15 * 60_000), new Date(ctx.now));
    const resolved = await resolveTarget(alert, cache);
    const diagnosis = await diagnose({
      alert,
      incident: { incidentId: `inc-${row.scenario}`, owner: resolved.owner, alertIds: [alert.id], occurrences: 1 },
      id: `diag-${row.scenario}`,
      ctx,
      resolved,
    });
    return { alert, diagnosis, now: ctx.now };
  } finally {
    await usage?.stop();
    await harness?.stop();
    await sim.stop();
  }
}

describe("a diagnosis per simulator scenario", () => {
  for (const row of scenarioExpectations) {
    test(`${row.scenario}: ${row.main ? `${row.main.code} on ${row.main.resource.kind}` : row.outcome}`, async () => {
      const { alert, diagnosis, now } = await diagnoseScenario(row);
      const parsed = diagnosisMessage.safeParse(diagnosis);
      assert.ok(parsed.success, `not a valid diagnosis: ${parsed.success ? "" : parsed.error.message}`);
      assert.deepEqual(expectationProblems(row, diagnosis, alert), [], `${row.scenario} (${row.why})`);

      // Every evidence id once; hypotheses non-increasing and citing only listed ids.
      const ids = diagnosis.findings.flatMap((f) => f.evidence.map((e) => e.id));
      assert.equal(new Set(ids).size, ids.length);
      diagnosis.hypotheses.forEach((h, i) => {
        assert.ok(i === 0 || h.confidence <= diagnosis.hypotheses[i - 1]!.confidence, "hypotheses ranked");
        for (const ref of h.evidenceRefs) assert.ok(ids.includes(ref), `hypothesis cites unknown evidence ${ref}`);
      });
      // Cluster time (virtual, minutes past the wall clock after the warm-up), not Date.now().
      assert.equal(diagnosis.analyzedAt, new Date(now).toISOString());
      assert.equal(diagnosis.causationId, alert.id);
      if (diagnosis.outcome === "issue_found") assert.ok(diagnosis.summary.startsWith(diagnosis.findings[0]!.summary.replace(/\.$/, "")));
    });
  }
});

describe("alerts that mean no trouble, and targets that do not exist", () => {
  let sim: KubeSim;
  let harness: AnalysisHarness;
  before(async () => {
    sim = await KubeSim.start({ scenario: "oom-crashloop", clock: "virtual" });
    harness = await analysisContextFor(sim);
  });
  after(async () => {
    await harness.stop();
    await sim.stop();
  });

  const run = async (labels: Record<string, string>, telemetry = new NodeTelemetry()): Promise<DiagnosisMessage> => {
    const ctx = harness.ctx({ telemetry });
    const alert = alertMessageFor({ labels, annotations: {} }, new Date(ctx.now));
    const resolved = await resolveTarget(alert, ctx.cache);
    const d = await diagnose({
      alert,
      incident: { incidentId: "inc-1", owner: resolved.owner, alertIds: [alert.id], occurrences: 1 },
      id: "diag-1",
      ctx,
      resolved,
    });
    return diagnosisMessage.parse(d);
  };

  test("Watchdog is no issue, in a cluster that has one", async () => {
    const d = await run({ alertname: "Watchdog", severity: "none" });
    assert.equal(d.outcome, "no_issue_found");
    assert.deepEqual(d.findings, []);
    assert.equal(d.severity, "info");
    assert.match(d.summary, /alerting pipeline works/);
    assert.deepEqual(d.owner, { kind: "Cluster", name: "cluster" });
  });

  test("InfoInhibitor is no issue either, even naming a crash-looping namespace", async () => {
    const d = await run({ alertname: "InfoInhibitor", severity: "none", namespace: "shop" });
    assert.equal(d.outcome, "no_issue_found");
    assert.deepEqual(d.findings, []);
    assert.deepEqual(d.owner, { kind: "Namespace", name: "shop" });
  });

  test("a pod that does not exist is target_not_found, not a crash", async () => {
    const d = await run({ alertname: "KubePodCrashLooping", namespace: "shop", pod: "payments-api-0000000000-gone1", container: "api" });
    assert.equal(d.outcome, "target_not_found");
    assert.deepEqual(d.target, { kind: "Pod", name: "payments-api-0000000000-gone1", namespace: "shop", container: "api" });
    assert.deepEqual(d.owner, { kind: "Pod", name: "payments-api-0000000000-gone1", namespace: "shop" });
    assert.deepEqual(d.findings, []);
    assert.match(d.summary, /does not exist/);
  });

  test("a node that does not exist is target_not_found", async () => {
    const d = await run({ alertname: "KubeNodeNotReady", node: "worker-99" });
    assert.equal(d.outcome, "target_not_found");
    assert.deepEqual(d.owner, { kind: "Node", name: "worker-99" });
  });

  test("a namespace-level alert analyzes the namespace's objects and finds the crash loop", async () => {
    const d = await run({ alertname: "KubeQuotaAlmostFull", namespace: "shop", resourcequota: "compute", severity: "info" });
    assert.equal(d.outcome, "issue_found");
    assert.equal(d.target, undefined);
    assert.deepEqual(d.ownerChain, []);
    assert.ok(
      d.findings.some((f) => f.code === "POD_OOM_KILLED"),
      d.findings.map((f) => f.code).join(", "),
    );
  });

  test("the context: describe, Warning events newest first, rollouts, and the node's memory pressure", async () => {
    const pod = sim.list<Pod>("Pod", "shop").find((p) => p.metadata.name?.startsWith("payments-api-"));
    assert.ok(pod?.metadata.name && pod.spec.nodeName);
    const node = pod.spec.nodeName;
    // A collector on the pod's node: swap climbing 100Mi a minute for five minutes, PSI and MemAvailable.
    const telemetry = new NodeTelemetry();
    const at = sim.clock.now();
    for (let i = 0; i <= 5; i++) {
      const sample: NodeSampleMessage = {
        id: `s-${i}`,
        correlationId: `s-${i}`,
        node,
        ts: new Date(at - (5 - i) * 60_000).toISOString(),
        memory: {
          MemTotal: 16 * 2 ** 30,
          MemAvailable: 3 * 2 ** 30 - i * 2 ** 20,
          SwapTotal: 4 * 2 ** 30,
          SwapFree: 4 * 2 ** 30 - i * 100 * 2 ** 20,
        },
        psi: { memory: { some: { avg10: 12.5, avg60: 8, avg300: 3 } } },
      };
      telemetry.addNodeSample(sample);
    }
    for (const [i, scope] of (["container", "container", "node"] as const).entries()) {
      telemetry.addKernelEvent({
        id: `oom-${i}`,
        correlationId: `oom-${i}`,
        node,
        type: "oom_kill",
        observedAt: new Date(at - i * 1000).toISOString(),
        source: "bpftrace",
        data: { scope },
      });
    }
    const d = await run({ alertname: "KubePodCrashLooping", namespace: "shop", pod: pod.metadata.name, container: "api" }, telemetry);
    assert.match(d.context.describe ?? "", new RegExp(`^Name: ${pod.metadata.name}\nNamespace: shop\nKind: Pod`));
    assert.match(d.context.describe ?? "", /Last State: Terminated \(OOMKilled, exit 137\)/);
    assert.ok(d.context.recentEvents.length > 0);
    assert.ok(d.context.recentEvents.every((e) => e.type === "Warning"));
    const seen = d.context.recentEvents.map((e) => Date.parse(e.lastSeen ?? ""));
    assert.deepEqual(
      seen,
      [...seen].sort((a, b) => b - a),
      "newest first",
    );
    assert.deepEqual(d.context.rollouts, [{ revision: 1, at: d.context.rollouts[0]?.at, images: ["shop/payments-api:3.2.1"] }]);
    assert.deepEqual(d.context.nodePressure, {
      node,
      memAvailableBytes: 3 * 2 ** 30 - 5 * 2 ** 20,
      psiMemorySomeAvg10: 12.5,
      swapTrend: "rising",
      oomKills: { container: 2, node: 1 },
    });
    assert.ok(d.relatedResources.some((r) => r.kind === "Deployment" && r.name === "payments-api"));
    assert.ok(d.relatedResources.some((r) => r.kind === "Node" && r.name === node));
    assert.ok(!d.relatedResources.some((r) => r.kind === "Pod" && r.name === pod.metadata.name), "the target is not related to itself");
  });
});

// The namespace, node and cluster views: namespace errors (threshold, owners from the owner chain, the seed's
// issue types), node utilization from a real UsageCache (and the metrics-missing case), cluster pod issues
// (all namespaces, severity filter, velocity in cluster time), and the deadline stopping a view.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { clusterPodIssues, namespaceErrors, nodeUtilization } from "@vigil/contracts";
import { UsageCache } from "@vigil/kube";
import { KubeSim } from "@vigil/kube-sim";
import { clusterPodIssuesView, namespaceErrorsView, nodeUtilizationView } from "../src/index.js";
import { analysisContextFor, type AnalysisHarness } from "./analysis-helpers.js";

/** A pod template whose image never pulls (images named in loaded manifests are published, unless marked so). */
const broken = (labels: Record<string, string>, restartPolicy?: string) => ({
  metadata: { labels, annotations: { "sim.vigil.dev/image-faults": "shop/not-published:0.0.1=unpullable" } },
  spec: { ...(restartPolicy ? { restartPolicy } : {}), containers: [{ name: "app", image: "shop/not-published:0.0.1" }] },
});

describe("namespace, node and cluster views on oom-crashloop", () => {
  let sim: KubeSim;
  let h: AnalysisHarness;
  let usage: UsageCache;

  before(async () => {
    sim = await KubeSim.start({ scenario: "oom-crashloop", clock: "virtual" });
    sim.load([
      // A ReplicaSet nobody owns: its owner is the ReplicaSet itself, not a made-up Deployment named after it.
      {
        apiVersion: "apps/v1",
        kind: "ReplicaSet",
        metadata: { name: "legacy-worker-5d8f", namespace: "shop" },
        spec: { replicas: 1, selector: { matchLabels: { app: "legacy-worker" } }, template: broken({ app: "legacy-worker" }) },
      },
      // A Job's pods are left out of the namespace analysis, as in the seed, but not out of the cluster view.
      {
        apiVersion: "batch/v1",
        kind: "Job",
        metadata: { name: "export", namespace: "shop" },
        spec: { template: broken({ job: "export" }, "Never") },
      },
    ]);
    h = await analysisContextFor(sim);
    await h.advance("8m");
    usage = new UsageCache({
      client: h.cache.client,
      nodes: () => h.cache.store("Node").list(),
      intervalMs: 60_000,
      volumeIntervalMs: 60_000,
    });
    await usage.start();
  });
  after(async () => {
    await usage.stop();
    await h.stop();
    await sim.stop();
  });

  it("namespace errors: crash loops and restarts above the threshold, owners from the owner chain", async () => {
    const ctx = h.ctx();
    const view = namespaceErrors.parse(await namespaceErrorsView(ctx, "shop"));
    assert.equal(view.restartThresholdUsed, 5);
    assert.equal(view.analysisTime, new Date(ctx.now).toISOString());
    assert.equal(view.totalPodsAnalyzed, 3, "2 payments-api pods and the ReplicaSet's pod; not the Job's");
    const payments = view.problematicPods.filter((p) => p.name.startsWith("payments-api-"));
    assert.equal(payments.length, 2);
    for (const p of payments) {
      assert.deepEqual([p.ownerKind, p.ownerName], ["Deployment", "payments-api"]);
      assert.ok(p.restartCount > 5);
      assert.deepEqual(p.issues.map((i) => i.type).sort(), ["CrashLoopBackOff", "HighRestarts"]);
      assert.equal(
        p.issues.find((i) => i.type === "HighRestarts")!.description,
        `Pod has restarted ${p.restartCount} times (threshold: 5)`,
      );
      assert.match(p.issues.find((i) => i.type === "HighRestarts")!.details!, /^api: \d+ restarts$/);
      assert.ok(p.recentEvents.length > 0 && p.recentEvents.every((e) => e.type === "Warning"));
    }
    const legacy = view.problematicPods.find((p) => p.name.startsWith("legacy-worker-5d8f-"))!;
    assert.deepEqual([legacy.ownerKind, legacy.ownerName], ["ReplicaSet", "legacy-worker-5d8f"]);
    assert.deepEqual(
      legacy.issues.map((i) => i.type),
      ["ImagePullError"],
    );
    assert.equal(view.problematicPods.at(-1)!.name, legacy.name, "fewest restarts last");
    assert.deepEqual(view.summary[0], {
      issueType: "CrashLoopBackOff",
      count: 2,
      description: "Pods in crash loop backoff",
      affectedPods: payments.map((p) => p.name),
    });
    assert.equal(view.criticalIssuesCount, 5);

    const strict = await namespaceErrorsView(h.ctx({ settings: { ...ctx.settings, restartThreshold: 1000 } }), "shop");
    assert.ok(
      strict.problematicPods.every((p) => p.issues.every((i) => i.type !== "HighRestarts")),
      "POD_RESTART_THRESHOLD is honoured",
    );
  });

  it("node utilization: usage from the usage cache against capacity and allocatable", () => {
    const node = h.cache.store("Node").list()[0]!;
    const name = node.metadata!.name!;
    const result = nodeUtilizationView(h.ctx({ usage }), name);
    assert.equal(result.kind, "ok");
    const view = nodeUtilization.parse(result.kind === "ok" ? result.data : undefined);
    const sample = usage.node(name);
    assert.ok(sample.available);
    assert.equal(view.cpuCapacity, "4000m");
    assert.equal(view.memoryCapacity, "16Gi");
    assert.equal(view.cpuUsage, `${Math.round(sample.value.cpuCores * 1000)}m`);
    assert.equal(view.cpuPercentage, Math.round(((sample.value.cpuCores * 1000) / 4000) * 100 * 100) / 100);
    assert.ok(view.memoryPercentage > 0 && view.memoryPercentage <= 100);
    assert.ok(view.memoryAllocatablePercentage >= view.memoryPercentage, "allocatable is at most capacity");
    assert.equal(view.timestamp, sample.at.toISOString());
  });

  it("node utilization: unknown node, and metrics missing, are told apart", () => {
    assert.deepEqual(nodeUtilizationView(h.ctx({ usage }), "no-such-node"), { kind: "not_found" });
    const missing = nodeUtilizationView(h.ctx(), h.cache.store("Node").list()[0]!.metadata!.name!);
    assert.deepEqual(missing, { kind: "unavailable", reason: "no usage source configured" });
  });

  it("cluster pod issues: every namespace by default, a severity filter on every issue field", async () => {
    const all = clusterPodIssues.parse(await clusterPodIssuesView(h.ctx(), {}));
    const named = clusterPodIssues.parse(await clusterPodIssuesView(h.ctx(), { namespace: "all" }));
    assert.equal(all.namespace, "all");
    assert.equal(all.totalPods, named.totalPods);
    assert.equal(all.totalPods, h.cache.store("Pod").list().length, "every namespace, kube-system included");
    assert.equal(all.issueCategories["CrashLoopBackOff"], 2);
    assert.equal(all.issueCategories["OOMKilled"], 2, "the crash loop's last termination is an OOM kill");
    assert.equal(all.issueCategories["ImagePullError"], 2, "the ReplicaSet's pod and the Job's pod");
    assert.equal(all.issuesByNamespace["shop"]!.unhealthyPods, 4);
    const crash = all.criticalIssues.find((i) => i.category === "CrashLoopBackOff")!;
    assert.equal(crash.containerName, "api");
    assert.ok(crash.isRecurring && crash.count > 5);
    assert.ok(Date.parse(crash.firstSeen!) <= Date.parse(crash.lastSeen!));
    assert.equal(
      all.issueVelocity.newIssuesLastHour,
      Object.values(all.issueCategories).reduce((a, b) => a + b, 0),
    );
    assert.equal(all.issueVelocity.trendDirection, "degrading");

    const warnings = clusterPodIssues.parse(await clusterPodIssuesView(h.ctx(), { severity: "warning" }));
    assert.deepEqual(warnings.criticalIssues, []);
    assert.ok(warnings.topIssues.every((t) => t.severity === "warning"));
    assert.equal(warnings.unhealthyPods, all.unhealthyPods, "pod counts describe the pods, not the filter");

    const none = await clusterPodIssuesView(h.ctx(), { namespace: "kube-system" });
    assert.equal(none.namespace, "kube-system");
    assert.equal(none.unhealthyPods, 0);

    // A day later in cluster time, nothing started in the last hour.
    const ctx = h.ctx();
    const later = await clusterPodIssuesView({ ...ctx, now: ctx.now + 2 * 3_600_000 }, {});
    assert.equal(later.issueVelocity.newIssuesLastHour, 0);
  });

  it("stops at the request's deadline", async () => {
    const controller = new AbortController();
    controller.abort(new Error("deadline"));
    await assert.rejects(clusterPodIssuesView(h.ctx(), {}, controller.signal), /deadline/);
    await assert.rejects(namespaceErrorsView(h.ctx(), "shop", controller.signal), /deadline/);
  });
});

describe("namespace and cluster views without trouble, and with pending pods", () => {
  it("healthy: no problematic pod and no issue anywhere", async () => {
    const sim = await KubeSim.start({ scenario: "healthy", clock: "virtual" });
    const h = await analysisContextFor(sim);
    try {
      const ns = await namespaceErrorsView(h.ctx(), "shop");
      assert.ok(ns.totalPodsAnalyzed >= 6);
      assert.equal(ns.problematicPodsCount, 0);
      assert.deepEqual(ns.summary, []);
      const issues = await clusterPodIssuesView(h.ctx(), {});
      assert.equal(issues.unhealthyPods, 0);
      assert.deepEqual(issues.issueCategories, {});
      assert.equal(issues.issueVelocity.trendDirection, "stable");
    } finally {
      await h.stop();
      await sim.stop();
    }
  });

  it("pending-insufficient-memory: ResourceConstraints once pending for 5 minutes, critical PendingScheduling", async () => {
    const sim = await KubeSim.start({ scenario: "pending-insufficient-memory", clock: "virtual" });
    const h = await analysisContextFor(sim);
    try {
      const early = await namespaceErrorsView(h.ctx(), "data");
      assert.equal(early.problematicPodsCount, 0, "pending for less than 5 minutes is not yet an issue");
      await h.advance("5m");
      const ns = await namespaceErrorsView(h.ctx(), "data");
      assert.deepEqual(
        ns.summary.map((s) => [s.issueType, s.count]),
        [["ResourceConstraints", 2]],
      );
      const issue = ns.problematicPods[0]!.issues[0]!;
      assert.match(issue.description, /^Pod has been pending for \dm$/);
      assert.match(issue.details!, /Insufficient memory/);
      const issues = await clusterPodIssuesView(h.ctx(), { namespace: "data" });
      assert.deepEqual(issues.issueCategories, { PendingScheduling: 2 });
      assert.ok(issues.criticalIssues.every((i) => i.category === "PendingScheduling" && /Insufficient memory/.test(i.message)));
    } finally {
      await h.stop();
      await sim.stop();
    }
  });
});

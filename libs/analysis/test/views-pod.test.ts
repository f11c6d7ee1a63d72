// The pod views (describe, resources, failure-events, health-score) against the oom-crashloop scenario (its
// pods OOM-killed in a crash loop) and the healthy one, read from a ClusterCache in cluster time.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { V1Pod } from "@kubernetes/client-node";
import { podDescribe, podFailureEvents, podHealthScore, podResources } from "@vigil/contracts";
import { KubeSim } from "@vigil/kube-sim";
import { describePod, podFailureEventsView, podHealthScoreView, podResourcesView } from "../src/index.js";
import { analysisContextFor, type AnalysisHarness } from "./analysis-helpers.js";

const podsOf = (h: AnalysisHarness, ns: string, app: string): V1Pod[] =>
  h.cache
    .store("Pod")
    .list({ namespace: ns })
    .filter((p) => p.metadata?.labels?.["app"] === app);

describe("pod views on oom-crashloop", () => {
  let sim: KubeSim;
  let h: AnalysisHarness;
  let pod: V1Pod;

  before(async () => {
    sim = await KubeSim.start({ scenario: "oom-crashloop", clock: "virtual" });
    // A pod whose init container asks for more than its app container: the scheduler reserves the larger.
    sim.load([
      {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: "migrating", namespace: "shop" },
        spec: {
          initContainers: [{ name: "migrate", image: "shop/payments-api:3.2.1", resources: { requests: { cpu: "1", memory: "1Gi" } } }],
          containers: [
            {
              name: "app",
              image: "shop/payments-api:3.2.1",
              resources: { requests: { cpu: "250m", memory: "256Mi" }, limits: { memory: "512Mi" } },
            },
            { name: "proxy", image: "shop/payments-api:3.2.1", resources: { requests: { cpu: "100m", memory: "128Mi" } } },
          ],
        },
      },
    ]);
    h = await analysisContextFor(sim);
    await h.advance("3m");
    pod = podsOf(h, "shop", "payments-api")[0]!;
  });
  after(async () => {
    await h.stop();
    await sim.stop();
  });

  it("describe: the container's crash loop, its OOM-killed last state and the pod's events newest first", () => {
    const view = podDescribe.parse(describePod(h.ctx(), pod));
    assert.equal(view.name, pod.metadata!.name);
    assert.equal(view.namespace, "shop");
    assert.equal(view.status.phase, "Running");
    assert.ok(view.node.startsWith("worker-"));
    assert.equal(view.qosClass, "Burstable");
    assert.deepEqual(view.controlledBy, { kind: "ReplicaSet", name: pod.metadata!.ownerReferences![0]!.name });
    const [api] = view.containers;
    assert.equal(api!.name, "api");
    assert.equal(api!.image, "shop/payments-api:3.2.1");
    assert.equal(api!.ready, false);
    assert.ok(api!.restartCount >= 3);
    assert.equal(api!.state.waiting?.reason, "CrashLoopBackOff");
    assert.equal(api!.lastState?.terminated?.reason, "OOMKilled");
    assert.equal(api!.lastState?.terminated?.exitCode, 137);
    assert.deepEqual(api!.resources, { requests: { cpu: "100m", memory: "256Mi" }, limits: { memory: "256Mi" } });
    assert.ok(view.events.length > 0 && view.events.length === view.totalEvents);
    const times = view.events.map((e) => Date.parse(e.lastTimestamp!));
    assert.deepEqual(
      times,
      [...times].sort((a, b) => b - a),
      "newest first",
    );
    assert.ok(view.events.some((e) => e.reason === "BackOff" && e.source.startsWith("kubelet/")));
    assert.ok(view.conditions.some((c) => c.type === "Ready" && c.status === "False"));
  });

  it("resources: the seed's totals, and the scheduler's effective request with an init container", () => {
    const oom = podResources.parse(podResourcesView(pod));
    assert.deepEqual(oom.total, { cpuRequest: "100m", cpuLimit: "0", memoryRequest: "256Mi", memoryLimit: "256Mi" });
    assert.deepEqual(oom.effective, oom.total, "no init containers: effective = total");

    const migrating = h.cache.get({ kind: "Pod", namespace: "shop", name: "migrating" })!;
    const view = podResources.parse(podResourcesView(migrating));
    assert.deepEqual(
      view.containers.map((c) => [c.name, c.type]),
      [
        ["app", "app"],
        ["proxy", "app"],
        ["migrate", "init"],
      ],
    );
    assert.equal(view.total.cpuRequest, "350m");
    assert.equal(view.total.memoryRequest, "384Mi");
    // max(1 core / 1Gi of the init container, 350m / 384Mi of the app containers)
    assert.equal(view.effective.cpuRequest, "1");
    assert.equal(view.effective.memoryRequest, "1Gi");
  });

  it("failure-events: BackOff is a ContainerCrash explained by the OOM kill, ongoing in cluster time", () => {
    const ctx = h.ctx();
    const view = podFailureEvents.parse(podFailureEventsView(ctx, pod));
    assert.equal(view.podStatus, "CrashLoopBackOff");
    assert.equal(view.podPhase, "Running");
    const backOff = view.failureEvents.find((e) => e.reason === "BackOff")!;
    assert.equal(backOff.category, "ContainerCrash");
    assert.equal(backOff.severity, "critical");
    assert.equal(backOff.isRecurring, true);
    assert.ok(backOff.possibleCauses.includes("Container api was OOMKilled (memory limit 256Mi)"));
    assert.ok(backOff.possibleCauses.some((c) => /^Container api has restarted \d+ times$/.test(c)));
    assert.equal(backOff.suggestedAction, "Increase memory limits or optimize application memory usage");
    assert.match(backOff.recurrenceRate, /times per hour$/);
    assert.equal(view.failureEvents[0]!.severity, "critical", "critical first");
    assert.equal(view.mostRecentIssue?.reason, "BackOff");
    assert.ok(view.ongoingIssues.some((i) => i.startsWith("BackOff: Back-off restarting failed container api")));
    assert.equal(view.criticalEvents, view.failureEvents.filter((e) => e.severity === "critical").length);
    // The same pod seen an hour later (cluster time) has nothing ongoing any more.
    const later = podFailureEventsView({ ...ctx, now: ctx.now + 60 * 60_000 }, pod);
    assert.deepEqual(later.ongoingIssues, []);
    assert.equal(later.failureEvents.find((e) => e.reason === "BackOff")!.timeSinceFirst.endsWith("m"), true);
  });

  it("health-score: the seed's weighted components, Degraded for a crash loop", () => {
    const ctx = h.ctx();
    const view = podHealthScore.parse(podHealthScoreView(ctx, pod));
    assert.equal(view.calculatedAt, new Date(ctx.now).toISOString(), "cluster time");
    assert.equal(view.components["containerStates"]!.score, 20, "CrashLoopBackOff scores 20");
    assert.equal(view.components["events"]!.score, 40, "BackOff warnings score 40");
    assert.equal(view.components["conditions"]!.score, 50, "Ready=False scores 50");
    assert.ok(view.components["restarts"]!.score <= 35, "several restarts within minutes halve the score");
    const expected = Math.round(
      Object.values(view.components).reduce((n, c) => n + c.score * c.weight, 0) /
        Object.values(view.components).reduce((n, c) => n + c.weight, 0),
    );
    assert.equal(view.overallScore, expected);
    assert.ok(view.overallScore < 50);
    assert.equal(view.details.lastRestartReason, "OOMKilled");
    assert.deepEqual(
      view.details.containerStatuses.map((c) => [c.name, c.state, c.reason]),
      [["api", "Waiting", "CrashLoopBackOff"]],
    );
  });
});

describe("pod views on healthy", () => {
  let sim: KubeSim;
  let h: AnalysisHarness;

  before(async () => {
    sim = await KubeSim.start({ scenario: "healthy", clock: "virtual" });
    h = await analysisContextFor(sim);
  });
  after(async () => {
    await h.stop();
    await sim.stop();
  });

  it("a healthy pod scores Healthy and has no failure event", () => {
    for (const pod of podsOf(h, "shop", "web")) {
      const score = podHealthScoreView(h.ctx(), pod);
      assert.equal(score.status, "Healthy", `${pod.metadata!.name}: ${JSON.stringify(score.components)}`);
      assert.equal(score.overallScore, 100);
      const failures = podFailureEventsView(h.ctx(), pod);
      assert.deepEqual(failures.failureEvents, []);
      assert.equal(failures.podStatus, "Running");
      assert.equal(failures.mostRecentIssue, undefined);
    }
  });
});

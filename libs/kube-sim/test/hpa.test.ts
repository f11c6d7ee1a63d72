// The horizontal pod autoscaler against real pods: scaling to maxReplicas with ScalingLimited TooManyReplicas,
// scaling further once the maximum is raised, a missing cpu request, and the normalisation rules on their own.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { R } from "../src/api/resources.js";
import { DeploymentController } from "../src/controllers/deployment.js";
import { ReplicaSetController } from "../src/controllers/replicaset.js";
import { SchedulerController } from "../src/controllers/scheduler.js";
import { HorizontalPodAutoscalerController, decimalMilli } from "../src/controllers/hpa.js";
import { normalize, type ScaleHistory } from "../src/controllers/hpa-normalize.js";
import { resourceReplicas } from "../src/controllers/hpa-replicas.js";
import { NodeStatusReporter } from "../src/kubelet/node-status.js";
import { Kubelet } from "../src/kubelet/kubelet.js";
import type { KubeObject, Pod } from "../src/types.js";
import { env } from "./controllers-helpers.js";

const setup = (opts: { cpuRequest?: string; demand?: string; maxReplicas?: number } = {}) => {
  const e = env([
    new NodeStatusReporter(),
    new DeploymentController(),
    new ReplicaSetController(),
    new SchedulerController(),
    new Kubelet(),
    new HorizontalPodAutoscalerController(),
  ]);
  for (const name of ["worker-1", "worker-2", "worker-3"]) {
    e.cluster.create(R.nodes, {
      apiVersion: "v1",
      kind: "Node",
      metadata: { name },
      status: { capacity: { cpu: "8", memory: "32Gi", pods: "110" } },
    });
  }
  e.cluster.create(R.deployments, {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "search", namespace: "default" },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: "search" } },
      template: {
        metadata: { labels: { app: "search" }, annotations: { "sim.vigil.dev/workload-cpu-demand": opts.demand ?? "2400m" } },
        spec: {
          containers: [
            {
              name: "app",
              image: "shop/search:7.1.0",
              resources: { requests: { memory: "256Mi", ...(opts.cpuRequest === "" ? {} : { cpu: opts.cpuRequest ?? "200m" }) } },
            },
          ],
        },
      },
    },
  });
  e.cluster.create(R.hpas, {
    apiVersion: "autoscaling/v2",
    kind: "HorizontalPodAutoscaler",
    metadata: { name: "search", namespace: "default" },
    spec: {
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "search" },
      minReplicas: 2,
      maxReplicas: opts.maxReplicas ?? 4,
      metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 60 } } }],
    },
  });
  e.settle();
  const hpa = () => e.cluster.mustGet(R.hpas, "default", "search");
  const condition = (type: string) => (hpa().status?.conditions ?? []).find((c: { type: string }) => c.type === type);
  const replicas = () => e.cluster.mustGet(R.deployments, "default", "search").spec.replicas as number;
  const events = (reason: string) =>
    e.cluster.events
      .about(hpa())
      .filter((ev: KubeObject) => ev.reason === reason)
      .map((ev) => String(ev.message));
  return { ...e, hpa, condition, replicas, events };
};

describe("horizontal pod autoscaler", () => {
  it("scales to maxReplicas and reports TooManyReplicas; raising the maximum lets it scale until under target", () => {
    const s = setup();
    s.advance(180);
    assert.equal(s.replicas(), 4);
    const limited = s.condition("ScalingLimited");
    assert.equal(limited?.status, "True");
    assert.equal(limited?.reason, "TooManyReplicas");
    assert.equal(limited?.message, "the desired replica count is more than the maximum replica count");
    assert.equal(s.condition("ScalingActive")?.reason, "ValidMetricFound");
    assert.equal(
      s.condition("ScalingActive")?.message,
      "the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)",
    );
    assert.equal(s.condition("AbleToScale")?.status, "True");
    const status = s.hpa().status;
    assert.equal(status.currentReplicas, 4);
    assert.equal(status.desiredReplicas, 4);
    assert.ok(status.lastScaleTime);
    // 2400m over 4 pods of 200m requests: 300%.
    assert.deepEqual(status.currentMetrics, [
      { type: "Resource", resource: { name: "cpu", current: { averageUtilization: 300, averageValue: "600m" } } },
    ]);
    assert.ok(
      s.events("SuccessfulRescale").includes("New size: 4; reason: cpu resource utilization (percentage of request) above target"),
      s.events("SuccessfulRescale").join("\n"),
    );

    s.cluster.mutate(R.hpas, "default", "search", (d) => void (d.spec.maxReplicas = 30));
    s.advance(240);
    const after = s.hpa().status;
    assert.equal(s.replicas(), 20);
    assert.equal(after.currentReplicas, 20);
    assert.ok(after.currentMetrics[0].resource.current.averageUtilization <= 66);
    assert.equal(s.condition("ScalingLimited")?.status, "False");
    assert.equal(s.condition("ScalingLimited")?.reason, "DesiredWithinRange");
    assert.equal(s.condition("AbleToScale")?.reason, "ReadyForNewScale");
    // Scale-up is rate limited to max(2 × current, 4) per step when no behavior is set.
    assert.ok(s.events("SuccessfulRescale").some((m) => m.startsWith("New size: 8; ")));
  });

  it("reports a missing cpu request as FailedGetResourceMetric and does not scale", () => {
    const s = setup({ cpuRequest: "" });
    s.advance(60);
    const active = s.condition("ScalingActive");
    assert.equal(active?.status, "False");
    assert.equal(active?.reason, "FailedGetResourceMetric");
    const pod = s.cluster.list<Pod>(R.pods, "default")[0]!;
    const names = s.cluster.list<Pod>(R.pods, "default").map((p) => p.metadata.name);
    assert.ok(
      names.some(
        (n) =>
          active?.message ===
          `the HPA was unable to compute the replica count: failed to get cpu utilization: missing request for cpu in container app of Pod ${n}`,
      ),
      active?.message,
    );
    assert.ok(pod);
    assert.ok(
      s.events("FailedGetResourceMetric")[0]?.startsWith("failed to get cpu utilization: missing request for cpu in container app of Pod "),
    );
    assert.match(
      s.events("FailedComputeMetricsReplicas")[0] ?? "",
      /^invalid metrics \(1 invalid out of 1\), first error is: failed to get cpu utilization: missing request/,
    );
    assert.equal(s.replicas(), 2);
  });

  it("waits 15 s after an HPA is created before its first sync", () => {
    const s = setup();
    assert.equal(s.hpa().status?.conditions, undefined);
    s.advance(14);
    assert.equal(s.hpa().status?.conditions, undefined);
    s.advance(1);
    assert.equal(s.condition("AbleToScale")?.reason, "SucceededRescale");
  });
});

describe("HPA arithmetic", () => {
  const history = (): ScaleHistory => ({ recommendations: [], scaleUp: [], scaleDown: [] });

  it("scale-down waits for the highest recommendation of the last 300 s", () => {
    const h = history();
    const base = { behavior: undefined, history: h, currentReplicas: 10, minReplicas: 1, maxReplicas: 20 };
    assert.equal(normalize({ ...base, now: 0, desired: 10 }).replicas, 10);
    const down = normalize({ ...base, now: 15_000, desired: 4 });
    assert.equal(down.replicas, 10);
    assert.equal(down.able.reason, "ScaleDownStabilized");
    assert.equal(normalize({ ...base, now: 301_000, desired: 4 }).replicas, 4);
  });

  it("clamps to min and max with TooFewReplicas / TooManyReplicas, and applies behavior policies", () => {
    assert.deepEqual(
      normalize({ history: history(), now: 0, currentReplicas: 3, desired: 1, minReplicas: 2, maxReplicas: 5 }).limit.reason,
      "TooFewReplicas",
    );
    assert.deepEqual(
      normalize({ history: history(), now: 0, currentReplicas: 5, desired: 9, minReplicas: 2, maxReplicas: 5 }).limit.reason,
      "TooManyReplicas",
    );
    const limited = normalize({
      behavior: { scaleUp: { policies: [{ type: "Pods", value: 1, periodSeconds: 60 }] } },
      history: history(),
      now: 0,
      currentReplicas: 3,
      desired: 9,
      minReplicas: 1,
      maxReplicas: 20,
    });
    assert.equal(limited.replicas, 4);
    assert.equal(limited.limit.reason, "ScaleUpLimit");
  });

  it("treats unready pods as idle on a scale-up and keeps within the 10% tolerance", () => {
    const now = Date.parse("2026-01-01T01:00:00Z");
    const pod = (name: string, ready: boolean): Pod => ({
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name },
      spec: { containers: [{ name: "app", resources: { requests: { cpu: "100m" } } }] },
      status: {
        phase: "Running",
        startTime: "2026-01-01T00:00:00Z",
        conditions: [{ type: "Ready", status: ready ? "True" : "False", lastTransitionTime: "2026-01-01T00:00:10Z" }],
      },
    });
    const pods = [pod("a", true), pod("b", true), pod("c", false)];
    const metrics = new Map([
      ["a", 200],
      ["b", 200],
      ["c", 0],
    ]);
    // 200% on the ready pods, but the unready one counts as 0: (400 / 300) / 0.5 → ceil(2.67 × 3) = 8.
    const p = resourceReplicas({ currentReplicas: 3, pods, metrics, resource: "cpu", target: { averageUtilization: 50 }, now });
    assert.equal(p.utilization, 200);
    assert.equal(p.replicas, 8);
    const within = resourceReplicas({
      currentReplicas: 2,
      pods: pods.slice(0, 2),
      metrics: new Map([
        ["a", 52],
        ["b", 53],
      ]),
      resource: "cpu",
      target: { averageUtilization: 50 },
      now,
    });
    assert.equal(within.replicas, 2);
  });

  it("formats average values as the API does", () => {
    assert.equal(decimalMilli(600), "600m");
    assert.equal(decimalMilli(2000), "2");
    assert.equal(decimalMilli(268435456000), "268435456");
    assert.equal(decimalMilli(2_000_000), "2k");
  });
});

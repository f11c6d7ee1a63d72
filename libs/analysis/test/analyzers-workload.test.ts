// Workload analyzers against the simulator's scenarios, with the false-positive traps: a rolling update inside
// its progress deadline, a Deployment scaled to 0, suspended Jobs and CronJobs, a single-replica StatefulSet
// without its governing Service (the healthy scenario has one).
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { about, allFindings, codes, describeFindings, scenario, type Scenario } from "./pod-workload-test-kit.js";

const WORKLOADS = ["Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job", "CronJob"] as const;
// The workload analyzers' own findings: the recent-rollout correlation (correlation/, also about these kinds) has
// its tests in recent-rollout.test.ts, and a failing new revision rightly triggers it in several of these cases.
const workloadFindings = (s: Scenario, namespace?: string) =>
  allFindings(s.h.ctx(), namespace, [...WORKLOADS]).filter((f) => f.code !== "WORKLOAD_RECENT_ROLLOUT");

describe("Deployment", () => {
  test("bad-rollout-readiness: DEPLOYMENT_PROGRESS_DEADLINE_EXCEEDED, roll back first; the unavailability is part of it", async () => {
    const s = await scenario("bad-rollout-readiness");
    try {
      const found = workloadFindings(s, "shop");
      assert.deepEqual(codes(found), ["DEPLOYMENT_PROGRESS_DEADLINE_EXCEEDED"], describeFindings(found));
      const [f] = found;
      assert.equal(f!.severity, "critical");
      assert.match(f!.summary, /has timed out progressing/);
      assert.deepEqual(f!.hypotheses?.[0]?.actions, ["rollback_deployment", "pause_rollout"]);
    } finally {
      await s.stop();
    }
  });

  test("image-pull-backoff: no finding while the rolling update is inside its deadline; DEADLINE_EXCEEDED after it", async () => {
    const s = await scenario("image-pull-backoff");
    try {
      assert.deepEqual(about(workloadFindings(s, "shop"), "catalog"), [], "a rollout in progress keeps 3/3 available");
      await s.h.advance("10m");
      const found = about(workloadFindings(s, "shop"), "catalog");
      assert.deepEqual(codes(found), ["DEPLOYMENT_PROGRESS_DEADLINE_EXCEEDED"], describeFindings(found));
      assert.match(found[0]!.detail, /ImagePullBackOff/);
    } finally {
      await s.stop();
    }
  });

  test("node-not-ready: DEPLOYMENT_REPLICAS_UNAVAILABLE with 4/6 available", async () => {
    const s = await scenario("node-not-ready");
    try {
      const found = workloadFindings(s, "shop");
      assert.deepEqual(codes(found), ["DEPLOYMENT_REPLICAS_UNAVAILABLE"], describeFindings(found));
      assert.match(found[0]!.summary, /has 4\/6 replicas available/);
      assert.equal(found[0]!.severity, "warning");
    } finally {
      await s.stop();
    }
  });
});

describe("workloads on the healthy cluster", () => {
  let s: Scenario;
  before(async () => {
    s = await scenario("healthy");
  });
  after(() => s.stop());

  test("healthy: no workload finding (a single-replica StatefulSet without its Service included)", () => {
    assert.deepEqual(workloadFindings(s), [], describeFindings(workloadFindings(s)));
  });

  test("a Deployment scaled to 0: no finding", async () => {
    s.sim.patch("Deployment", "api", { spec: { replicas: 0 } }, { namespace: "shop" });
    await s.h.advance("3m");
    assert.deepEqual(about(workloadFindings(s, "shop"), "api"), []);
  });

  test("a paused rollout: DEPLOYMENT_ROLLOUT_PAUSED as info (nothing is unavailable)", async () => {
    s.sim.patch("Deployment", "web", { spec: { paused: true } }, { namespace: "shop" });
    await s.h.caughtUp();
    const found = about(workloadFindings(s, "shop"), "web");
    assert.deepEqual(codes(found), ["DEPLOYMENT_ROLLOUT_PAUSED"]);
    assert.equal(found[0]!.severity, "info");
    assert.deepEqual(found[0]!.hypotheses?.[0]?.actions, ["resume_rollout", "notify_only"]);
    s.sim.patch("Deployment", "web", { spec: { paused: false } }, { namespace: "shop" });
    await s.h.caughtUp();
    assert.deepEqual(about(workloadFindings(s, "shop"), "web"), []);
  });

  test("a ResourceQuota refusing pods: REPLICASET_FAILED_CREATE with the API server's message", async () => {
    s.sim.load([{ apiVersion: "v1", kind: "ResourceQuota", metadata: { name: "pods", namespace: "shop" }, spec: { hard: { pods: "4" } } }]);
    s.sim.patch("Deployment", "web", { spec: { replicas: 6 } }, { namespace: "shop" });
    await s.h.advance("10s");
    const found = workloadFindings(s, "shop").filter((f) => f.code === "REPLICASET_FAILED_CREATE");
    assert.equal(found.length, 1, describeFindings(workloadFindings(s, "shop")));
    assert.match(found[0]!.summary, /exceeded quota/);
    assert.match(found[0]!.hypotheses?.[0]?.statement ?? "", /ResourceQuota/);
    s.sim.delete("ResourceQuota", "pods", "shop");
    s.sim.patch("Deployment", "web", { spec: { replicas: 3 } }, { namespace: "shop" });
    await s.h.advance("1m");
  });

  test("StatefulSet: scaled to 2 without its Service → STATEFULSET_SERVICE_MISSING; an update whose new pod cannot pull → STATEFULSET_UPDATE_STUCK", async () => {
    s.sim.patch("StatefulSet", "postgres", { spec: { replicas: 2 } }, { namespace: "shop" });
    await s.h.advance("1m");
    const scaled = about(workloadFindings(s, "shop"), "postgres");
    assert.deepEqual(codes(scaled), ["STATEFULSET_SERVICE_MISSING"], describeFindings(scaled));
    s.sim.patch(
      "StatefulSet",
      "postgres",
      { spec: { template: { spec: { containers: [{ name: "postgres", image: "postgres:99.9" }] } } } },
      { namespace: "shop" },
    );
    await s.h.advance("3m");
    const found = about(workloadFindings(s, "shop"), "postgres").filter((f) => f.code !== "STATEFULSET_SERVICE_MISSING");
    assert.deepEqual(codes(found), ["STATEFULSET_UPDATE_STUCK"], describeFindings(found));
    assert.match(found[0]!.summary, /postgres-1 \((ImagePullBackOff|ErrImagePull)\)/);
  });

  test("a DaemonSet whose pods cannot pull their image: DAEMONSET_PODS_UNAVAILABLE once past the start grace", async () => {
    s.sim.patch(
      "DaemonSet",
      "node-exporter",
      { spec: { template: { spec: { containers: [{ name: "node-exporter", image: "prom/node-exporter:v9.9.9" }] } } } },
      { namespace: "monitoring" },
    );
    await s.h.advance("30s");
    assert.deepEqual(workloadFindings(s, "monitoring"), [], "within maxUnavailable and the start grace: an update in progress");
    await s.h.advance("3m");
    const found = workloadFindings(s, "monitoring");
    assert.deepEqual(codes(found), ["DAEMONSET_PODS_UNAVAILABLE"], describeFindings(found));
    assert.match(found[0]!.summary, /ready pods out of 3 scheduled/);
  });

  test("a suspended Job and a suspended CronJob: no finding", async () => {
    s.sim.load([
      {
        apiVersion: "batch/v1",
        kind: "Job",
        metadata: { name: "held", namespace: "shop" },
        spec: { suspend: true, template: { spec: { restartPolicy: "Never", containers: [{ name: "task", image: "nginx:1.27" }] } } },
      },
    ]);
    // Every minute, and never run: were it not suspended, its runs would be missed.
    s.sim.patch("CronJob", "nightly-report", { spec: { suspend: true, schedule: "*/1 * * * *" } }, { namespace: "shop" });
    await s.h.advance("5m");
    assert.deepEqual(
      workloadFindings(s, "shop").filter((f) => ["Job", "CronJob"].includes(f.resource.kind)),
      [],
    );
  });
});

describe("Job and CronJob", () => {
  test("job-backoff-limit-exceeded: JOB_FAILED with BackoffLimitExceeded and a deterministic start-up error", async () => {
    const s = await scenario("job-backoff-limit-exceeded");
    try {
      const found = workloadFindings(s, "ops");
      assert.deepEqual(codes(found), ["JOB_FAILED"], describeFindings(found));
      assert.match(found[0]!.summary, /reached the specified backoff limit/);
      assert.ok(found[0]!.evidence.some((e) => e.kind === "event" && e.reason === "BackoffLimitExceeded"));
      assert.match(found[0]!.hypotheses?.[0]?.statement ?? "", /deterministic start-up error/);
    } finally {
      await s.stop();
    }
  });

  test("cronjob-concurrency-blocked: CRONJOB_MISSED_SCHEDULE blaming the hung active Job; suspending it silences the finding", async () => {
    const s = await scenario("cronjob-concurrency-blocked");
    try {
      const found = workloadFindings(s, "ops").filter((f) => f.resource.kind === "CronJob");
      assert.deepEqual(codes(found), ["CRONJOB_MISSED_SCHEDULE"], describeFindings(found));
      assert.match(found[0]!.summary, /blocked by active Job report-/);
      assert.ok(found[0]!.evidence.some((e) => e.kind === "event" && (e.reason === "JobAlreadyActive" || e.reason === "MissSchedule")));
      assert.equal(found[0]!.hypotheses?.[0]?.confidence, 0.8);
      s.sim.patch("CronJob", "report", { spec: { suspend: true } }, { namespace: "ops" });
      await s.h.caughtUp();
      assert.deepEqual(
        workloadFindings(s, "ops").filter((f) => f.resource.kind === "CronJob"),
        [],
      );
    } finally {
      await s.stop();
    }
  });

  test("a CronJob whose run fails: CRONJOB_LAST_RUN_FAILED", async () => {
    const s = await scenario("job-backoff-limit-exceeded");
    try {
      s.sim.load([
        {
          apiVersion: "batch/v1",
          kind: "CronJob",
          metadata: { name: "hourly-backup", namespace: "ops" },
          spec: {
            schedule: "*/2 * * * *",
            jobTemplate: {
              spec: {
                backoffLimit: 0,
                template: {
                  metadata: { annotations: { "sim.vigil.dev/requires-env": "S3_BUCKET" } },
                  spec: { restartPolicy: "Never", containers: [{ name: "backup", image: "shop/db-backup:1.4.0" }] },
                },
              },
            },
          },
        },
      ]);
      await s.h.advance("3m");
      const found = about(workloadFindings(s, "ops"), "hourly-backup").filter((f) => f.resource.kind === "CronJob");
      assert.deepEqual(codes(found), ["CRONJOB_LAST_RUN_FAILED"], describeFindings(found));
    } finally {
      await s.stop();
    }
  });
});

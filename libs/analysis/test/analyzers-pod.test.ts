// Pod analyzers against the simulator's scenarios: each fires where the scenario's fault is, on the right
// container, and stays quiet on the healthy pods around it and on the false-positive traps (a Ready pod with
// old Unhealthy events, Succeeded Job pods, evicted pods' exit codes).
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { findingsFor } from "./analysis-helpers.js";
import { about, allFindings, codes, describeFindings, scenario, type Scenario } from "./pod-workload-test-kit.js";

describe("pod analyzers: containers that die", () => {
  test("oom-crashloop: one POD_OOM_KILLED per container, critical, raise memory first; no separate crash-loop finding", async () => {
    const s = await scenario("oom-crashloop");
    try {
      const found = about(allFindings(s.h.ctx(), "shop", ["Pod"]), "payments-api");
      assert.ok(found.length >= 2, describeFindings(found));
      assert.deepEqual(codes(found), ["POD_OOM_KILLED"], describeFindings(found));
      for (const f of found) {
        assert.equal(f.resource.container, "api");
        assert.equal(f.severity, "critical");
        assert.match(f.summary, /OOMKilled at its 256Mi memory limit, in CrashLoopBackOff/);
        assert.deepEqual(f.hypotheses?.[0]?.actions, ["increase_resources"]);
        assert.equal(f.hypotheses?.[0]?.confidence, 0.85);
        assert.ok(f.evidence.some((e) => e.kind === "event" && e.reason === "BackOff"));
      }
    } finally {
      await s.stop();
    }
  });

  test("bad-config-crashloop: POD_CRASH_LOOP naming Error exit 1, a start-up error a restart does not fix", async () => {
    const s = await scenario("bad-config-crashloop");
    try {
      const all = allFindings(s.h.ctx(), "shop", ["Pod"]);
      const found = about(all, "orders");
      assert.deepEqual(codes(found), ["POD_CRASH_LOOP"], describeFindings(all));
      for (const f of found) {
        assert.match(f.summary, /last termination reason is Error \(exit code 1\)/);
        assert.ok(!f.hypotheses?.some((h) => h.actions?.includes("restart_pod")), "restarting cannot fix a start-up error");
      }
      assert.deepEqual(about(all, "postgres"), [], "the healthy postgres pod has no finding");
    } finally {
      await s.stop();
    }
  });

  test("init-container-failing: the failing init container of the new revision crash-loops; rollback is the best hypothesis", async () => {
    const s = await scenario("init-container-failing");
    try {
      const found = allFindings(s.h.ctx(), "shop", ["Pod"]);
      assert.ok(found.length > 0);
      for (const f of found) {
        assert.equal(f.code, "POD_CRASH_LOOP", describeFindings(found));
        assert.equal(f.resource.container, "db-migrate");
        assert.match(f.summary, /^Init container db-migrate/);
        assert.deepEqual(f.hypotheses?.[0]?.actions?.[0], "rollback_deployment");
      }
      const ready = s.h.cache
        .store("Pod")
        .list({ namespace: "shop" })
        .filter((p) => p.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True"));
      assert.ok(ready.length >= 3, "the previous revision's pods (init container exit 0) serve");
      for (const p of ready)
        assert.ok(!found.some((f) => f.resource.name === p.metadata?.name), `ready pod ${p.metadata?.name} has no finding`);
    } finally {
      await s.stop();
    }
  });

  test("job-backoff-limit-exceeded: failed Job pods get POD_NON_ZERO_EXIT, not a crash loop", async () => {
    const s = await scenario("job-backoff-limit-exceeded");
    try {
      const found = allFindings(s.h.ctx(), "ops", ["Pod"]);
      assert.ok(found.length >= 4, describeFindings(found));
      assert.deepEqual(codes(found), ["POD_NON_ZERO_EXIT"]);
      assert.match(found[0]!.summary, /exited with code 1 \(Error\)/);
    } finally {
      await s.stop();
    }
  });
});

describe("pod analyzers: containers that cannot start", () => {
  test("image-pull-backoff: POD_IMAGE_PULL_FAILED on the new pod, citing the registry's not found; the old pods are quiet", async () => {
    const s = await scenario("image-pull-backoff");
    try {
      const found = allFindings(s.h.ctx(), "shop", ["Pod"]);
      assert.equal(found.length, 1, describeFindings(found));
      const [f] = found;
      assert.equal(f!.code, "POD_IMAGE_PULL_FAILED");
      assert.equal(f!.resource.container, "catalog");
      assert.match(f!.summary, /cannot pull image shop\/catalog:1\.8\.0-rc1/);
      assert.ok(f!.evidence.some((e) => e.kind === "event" && /not found/.test(e.message)));
      assert.deepEqual(f!.hypotheses?.[0]?.actions, ["rollback_deployment", "escalate"]);
    } finally {
      await s.stop();
    }
  });

  test("create-container-config-error: POD_CONTAINER_CONFIG_ERROR cites the Failed event about the missing Secret key", async () => {
    const s = await scenario("create-container-config-error");
    try {
      const found = allFindings(s.h.ctx(), "shop", ["Pod"]);
      assert.ok(found.length >= 2);
      for (const f of found) {
        assert.equal(f.code, "POD_CONTAINER_CONFIG_ERROR");
        assert.ok(
          f.evidence.some(
            (e) => e.kind === "event" && e.reason === "Failed" && /couldn't find key password in Secret shop\/checkout-db/.test(e.message),
          ),
        );
        assert.match(f.hypotheses?.[0]?.statement ?? "", /Secret shop\/checkout-db has no key "password"/);
        assert.ok(!f.hypotheses?.some((h) => h.actions?.includes("restart_pod")));
      }
    } finally {
      await s.stop();
    }
  });

  test("pending-insufficient-memory: POD_UNSCHEDULABLE with the scheduler's message", async () => {
    const s = await scenario("pending-insufficient-memory");
    try {
      const found = allFindings(s.h.ctx(), "data", ["Pod"]);
      assert.ok(found.length >= 1);
      for (const f of found) {
        assert.equal(f.code, "POD_UNSCHEDULABLE");
        assert.match(f.summary, /0\/3 nodes are available: 3 Insufficient memory/);
        assert.match(f.hypotheses?.[0]?.statement ?? "", /more memory than any node has left/);
      }
    } finally {
      await s.stop();
    }
  });
});

describe("pod analyzers: probes", () => {
  test("liveness-probe-slow-start: POD_LIVENESS_PROBE_FAILING, explained as a slow start", async () => {
    const s = await scenario("liveness-probe-slow-start");
    try {
      const found = allFindings(s.h.ctx(), "shop", ["Pod"]).filter((f) => f.code === "POD_LIVENESS_PROBE_FAILING");
      assert.ok(found.length >= 1);
      for (const f of found) {
        assert.equal(f.severity, "critical");
        assert.match(f.hypotheses?.[0]?.statement ?? "", /starts slower than the probe allows/);
      }
    } finally {
      await s.stop();
    }
  });

  test("cpu-throttling: POD_READINESS_PROBE_FAILING, explained by the CPU limit", async () => {
    const s = await scenario("cpu-throttling");
    try {
      const found = allFindings(s.h.ctx(), "shop", ["Pod"]);
      assert.ok(found.length >= 1);
      for (const f of found) {
        assert.equal(f.code, "POD_READINESS_PROBE_FAILING");
        assert.match(f.hypotheses?.[0]?.statement ?? "", /CPU-throttled under its 200m CPU limit/);
        assert.deepEqual(f.hypotheses?.[0]?.actions, ["increase_resources"]);
      }
    } finally {
      await s.stop();
    }
  });

  test("bad-rollout-readiness: the new revision's pods fail readiness (roll back); the old revision's Ready pods do not", async () => {
    const s = await scenario("bad-rollout-readiness");
    try {
      const found = allFindings(s.h.ctx(), "shop", ["Pod"]);
      assert.ok(found.length >= 1);
      const newRs = s.h.cache
        .get({ kind: "Deployment", namespace: "shop", name: "storefront" })!
        .status!.conditions!.find((c) => c.type === "Progressing")!.message!;
      for (const f of found) {
        assert.equal(f.code, "POD_READINESS_PROBE_FAILING");
        assert.ok(
          newRs.includes(f.resource.name.replace(/-[a-z0-9]+$/, "")),
          `${f.resource.name} belongs to the new ReplicaSet (${newRs})`,
        );
        assert.deepEqual(f.hypotheses?.[0]?.actions?.[0], "rollback_deployment");
      }
    } finally {
      await s.stop();
    }
  });
});

describe("pod analyzers: evictions and deletions", () => {
  test("memory-pressure: POD_EVICTED says memory; the evicted pod's exit 137 is not a separate finding", async () => {
    const s = await scenario("memory-pressure");
    try {
      const found = allFindings(s.h.ctx(), "reports", ["Pod"]);
      assert.deepEqual(codes(found), ["POD_EVICTED"], describeFindings(found));
      assert.match(found[0]!.summary, /evicted from worker-\d: node low on memory$/);
      assert.equal(found[0]!.resource.container, "renderer");
    } finally {
      await s.stop();
    }
  });

  test("node-not-ready: pods evicted from the dead node are POD_STUCK_TERMINATING once their grace period is over", async () => {
    const s = await scenario("node-not-ready");
    try {
      assert.deepEqual(allFindings(s.h.ctx(), "shop", ["Pod"]), [], "before the taint eviction: nothing is terminating");
      await s.h.advance("6m");
      const found = allFindings(s.h.ctx(), "shop", ["Pod"]);
      assert.ok(found.length >= 1, "the pods on worker-2 were deleted and cannot terminate");
      for (const f of found) {
        assert.equal(f.code, "POD_STUCK_TERMINATING");
        assert.match(f.summary, /on node worker-2/);
        assert.match(f.hypotheses?.[0]?.statement ?? "", /node worker-2 is not Ready/);
      }
    } finally {
      await s.stop();
    }
  });
});

describe("pod analyzers: healthy cluster", () => {
  let s: Scenario;
  before(async () => {
    s = await scenario("healthy");
  });
  after(() => s.stop());

  test("healthy: no pod or workload analyzer finds anything", () => {
    const found = allFindings(s.h.ctx());
    assert.deepEqual(found, [], describeFindings(found));
  });

  test("a Ready pod with a recent Unhealthy event (a probe blip it recovered from): no finding", async () => {
    const pod = s.h.cache.store("Pod").list({ namespace: "shop", labelSelector: { app: "web" } })[0]!;
    const at = new Date(s.sim.clock.now() - 30_000).toISOString();
    // The event as kubelet records it for a readiness failure; the pod has been Ready since.
    s.sim.load([
      {
        apiVersion: "v1",
        kind: "Event",
        metadata: { name: `${pod.metadata!.name}.blip`, namespace: "shop" },
        involvedObject: {
          apiVersion: "v1",
          kind: "Pod",
          name: pod.metadata!.name,
          namespace: "shop",
          uid: pod.metadata!.uid,
          fieldPath: `spec.containers{${pod.spec!.containers[0]!.name}}`,
        },
        reason: "Unhealthy",
        type: "Warning",
        message: "Readiness probe failed: HTTP probe failed with statuscode: 503",
        count: 3,
        firstTimestamp: at,
        lastTimestamp: at,
        source: { component: "kubelet", host: pod.spec!.nodeName },
      },
    ]);
    await s.h.caughtUp();
    assert.ok(
      s.h.cache
        .eventsFor({ kind: "Pod", namespace: "shop", name: pod.metadata!.name!, uid: pod.metadata!.uid })
        .some((e) => e.reason === "Unhealthy"),
    );
    assert.ok(pod.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True"));
    assert.deepEqual(findingsFor(pod, s.h.ctx()), []);
  });

  test("a Job's Succeeded pod: no finding", async () => {
    s.sim.load([
      {
        apiVersion: "batch/v1",
        kind: "Job",
        metadata: { name: "quick", namespace: "shop" },
        spec: {
          template: {
            metadata: { labels: { app: "quick" }, annotations: { "sim.vigil.dev/complete-after-seconds": "5" } },
            spec: { restartPolicy: "Never", containers: [{ name: "task", image: "nginx:1.27" }] },
          },
        },
      },
    ]);
    await s.h.advance("30s");
    const pods = s.h.cache.store("Pod").list({ namespace: "shop", labelSelector: { app: "quick" } });
    assert.equal(pods[0]?.status?.phase, "Succeeded");
    assert.deepEqual(about(allFindings(s.h.ctx(), "shop"), "quick"), []);
  });
});

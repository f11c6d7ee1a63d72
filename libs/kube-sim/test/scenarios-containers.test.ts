// The container scenarios, driven with real kubectl: each shows its symptom, the fix that works clears it, and a
// plausible wrong fix leaves it in place (a closed world where a wrong fix never looks right).
import { test } from "node:test";
import assert from "node:assert/strict";
import type { Pod } from "../src/index.js";
import { appPods, assertRecovers, eventCount, eventsSince, isReady, withScenarioKubectl } from "./scenario-helpers.js";

const restarts = (p: Pod): number => p.status?.containerStatuses?.[0]?.restartCount ?? 0;

test("liveness-probe-slow-start: killed by its liveness probe while starting; a startupProbe fixes it", async (t) => {
  await withScenarioKubectl(t, "liveness-probe-slow-start", async (sim, kubectl) => {
    const pods = appPods(sim, "shop", "inventory");
    assert.equal(pods.length, 2);
    for (const p of pods) {
      assert.ok(restarts(p) >= 2, `${p.metadata.name} restarts: ${restarts(p)}`);
      assert.ok(!isReady(p));
    }
    const unhealthy = eventsSince(sim, "Unhealthy");
    assert.ok(unhealthy.length > 0);
    for (const e of unhealthy)
      assert.match(
        String(e.message),
        /^Liveness probe failed: Get "http:\/\/[\d.]+:8080\/actuator\/health\/liveness": dial tcp [\d.]+:8080: connect: connection refused$/,
      );
    assert.ok(eventCount(sim, "Killing", 0, /^Container inventory failed liveness probe, will be restarted$/) >= 4);
    assert.match(await kubectl("get", "pods", "-n", "shop", "-l", "app=inventory"), /CrashLoopBackOff|Running/);

    await kubectl(
      "patch",
      "deployment",
      "inventory",
      "-n",
      "shop",
      "-p",
      JSON.stringify({
        spec: {
          template: {
            spec: {
              containers: [
                {
                  name: "inventory",
                  startupProbe: { httpGet: { path: "/actuator/health/liveness", port: "http" }, periodSeconds: 10, failureThreshold: 30 },
                },
              ],
            },
          },
        },
      }),
    );
    await assertRecovers(sim);
    const fixed = appPods(sim, "shop", "inventory");
    assert.equal(fixed.length, 2);
    for (const p of fixed) {
      assert.ok(isReady(p) && restarts(p) === 0, `${p.metadata.name} ready without a restart`);
      assert.ok(p.spec.containers[0]!.startupProbe);
    }
  });
});

test("liveness-probe-slow-start: more memory and a rollout restart do not stop the kills", async (t) => {
  await withScenarioKubectl(t, "liveness-probe-slow-start", async (sim, kubectl) => {
    await kubectl("set", "resources", "deployment", "inventory", "-n", "shop", "--limits=memory=2Gi", "--requests=memory=2Gi");
    await sim.advance("5m");
    const since = sim.clock.now();
    await kubectl("rollout", "restart", "deployment", "inventory", "-n", "shop");
    await sim.advance("5m");
    // Neither rollout can finish (its new pods never become ready), so pods of every revision remain: all are killed.
    const pods = appPods(sim, "shop", "inventory");
    assert.ok(pods.some((p) => p.spec.containers[0]!.resources?.limits?.memory === "2Gi"));
    assert.ok(pods.some((p) => p.metadata.annotations?.["kubectl.kubernetes.io/restartedAt"]));
    for (const p of pods) assert.ok(restarts(p) >= 2 && !isReady(p), `${p.metadata.name} still killed while starting`);
    assert.ok(eventCount(sim, "Killing", since, /failed liveness probe, will be restarted/) >= 4);
  });
});

test("create-container-config-error: a missing Secret key until the key is added", async (t) => {
  await withScenarioKubectl(t, "create-container-config-error", async (sim, kubectl) => {
    const before = appPods(sim, "shop", "checkout");
    assert.equal(before.length, 2);
    for (const p of before) {
      const waiting = p.status?.containerStatuses?.[0]?.state.waiting;
      assert.equal(waiting?.reason, "CreateContainerConfigError");
      assert.equal(waiting?.message, "couldn't find key password in Secret shop/checkout-db");
    }
    assert.ok(eventsSince(sim, "Failed", 0, /^Error: couldn't find key password in Secret shop\/checkout-db$/).length > 0);
    assert.match(await kubectl("get", "pods", "-n", "shop"), /CreateContainerConfigError/);

    await kubectl("patch", "secret", "checkout-db", "-n", "shop", "--type", "merge", "-p", '{"data":{"password":"czNjcjN0LXBhc3M="}}');
    await assertRecovers(sim);
    // The kubelet retries the same pods: no restart or new pod was needed.
    assert.deepEqual(
      appPods(sim, "shop", "checkout")
        .map((p) => p.metadata.name)
        .sort(),
      before.map((p) => p.metadata.name).sort(),
    );
  });
});

test("create-container-config-error: restarting or deleting the pods does not help", async (t) => {
  await withScenarioKubectl(t, "create-container-config-error", async (sim, kubectl) => {
    const first = new Set(appPods(sim, "shop", "checkout").map((p) => p.metadata.name));
    await kubectl("rollout", "restart", "deployment", "checkout", "-n", "shop");
    await sim.advance("2m");
    await kubectl("delete", "pod", "-n", "shop", "-l", "app=checkout", "--wait=false");
    await sim.advance("3m");
    // The restarted rollout cannot finish (its pod never starts), so old-template pods are replaced but remain.
    const pods = appPods(sim, "shop", "checkout");
    assert.ok(pods.length >= 2);
    for (const p of pods) {
      assert.ok(!first.has(p.metadata.name), "new pods");
      assert.equal(p.status?.containerStatuses?.[0]?.state.waiting?.reason, "CreateContainerConfigError");
    }
  });
});

test("init-container-failing: Init:CrashLoopBackOff from the 5.1.0 migration until rolled back", async (t) => {
  await withScenarioKubectl(t, "init-container-failing", async (sim, kubectl) => {
    const failing = appPods(sim, "shop", "orders").filter((p) => p.spec.initContainers?.[0]?.image === "shop/orders-migrate:5.1.0");
    assert.equal(failing.length, 1, "the rollout is stuck at its first surge pod");
    const pod = failing[0]!;
    const init = pod.status!.initContainerStatuses![0]!;
    assert.ok(init.restartCount >= 2);
    assert.equal(init.lastState.terminated?.exitCode, 1);
    assert.equal(pod.status!.containerStatuses![0]!.state.waiting?.reason, "PodInitializing", "the main container never starts");
    const row = await kubectl("get", "pod", pod.metadata.name!, "-n", "shop", "--no-headers");
    assert.match(row, /Init:(CrashLoopBackOff|Error)/);
    assert.match(
      await kubectl("logs", pod.metadata.name!, "-n", "shop", "-c", "db-migrate", "--previous"),
      /migration 0042_add_customer_index failed/,
    );

    await kubectl("rollout", "undo", "deployment/orders", "-n", "shop");
    await assertRecovers(sim);
    for (const p of appPods(sim, "shop", "orders")) assert.equal(p.spec.initContainers![0]!.image, "shop/orders-migrate:5.0.2");
  });
});

test("init-container-failing: a new main-container image does not get past the failing init container", async (t) => {
  await withScenarioKubectl(t, "init-container-failing", async (sim, kubectl) => {
    await kubectl("set", "image", "deployment/orders", "orders=shop/orders:5.1.1", "-n", "shop");
    await sim.advance("4m");
    const newest = appPods(sim, "shop", "orders").filter((p) => p.spec.containers[0]!.image === "shop/orders:5.1.1");
    assert.ok(newest.length >= 1);
    for (const p of newest) {
      const init = p.status!.initContainerStatuses![0]!;
      assert.ok(init.restartCount >= 1 && init.lastState.terminated?.exitCode === 1, "the migration still fails");
      assert.ok(!isReady(p));
    }
    assert.match(await kubectl("get", "pods", "-n", "shop"), /Init:(CrashLoopBackOff|Error)/);
  });
});

const HOUR = 3_600_000;

/** The last OOM kill of a pod's container, with how long that instance had run. */
const lastOOM = (p: Pod): { ranMs: number } | undefined => {
  const t = p.status?.containerStatuses?.[0]?.lastState.terminated;
  if (t?.reason !== "OOMKilled") return undefined;
  return { ranMs: Date.parse(String(t.finishedAt)) - Date.parse(String(t.startedAt)) };
};

test("slow-memory-leak: OOMKilled hours apart until rolled back to the version without the leak", async (t) => {
  await withScenarioKubectl(
    t,
    "slow-memory-leak",
    async (sim, kubectl) => {
      const pods = appPods(sim, "shop", "search");
      assert.equal(pods.length, 2);
      for (const p of pods) {
        const oom = lastOOM(p);
        assert.ok(oom, `${p.metadata.name} was OOM-killed`);
        assert.ok(oom.ranMs > 2 * HOUR && oom.ranMs < 3 * HOUR, `it ran ${oom.ranMs / HOUR} h before the kill`);
        assert.equal(p.status!.containerStatuses![0]!.lastState.terminated?.exitCode, 137);
      }
      await kubectl("rollout", "undo", "deployment/search", "-n", "shop");
      await sim.advance("8h");
      const fixed = appPods(sim, "shop", "search");
      assert.equal(fixed.length, 2);
      for (const p of fixed) {
        assert.equal(p.spec.containers[0]!.image, "shop/search:4.1.3");
        assert.equal(restarts(p), 0, "no OOM kill in 8 h");
        assert.ok(isReady(p));
      }
      // The working set stays flat at the app's demand.
      assert.match(await kubectl("top", "pod", "-n", "shop", "--no-headers"), /search-\S+\s+\d+m\s+19[0-9]Mi/);
    },
    { stepMs: 5000 },
  );
});

test("slow-memory-leak: a higher limit only delays the next OOM kill", async (t) => {
  await withScenarioKubectl(
    t,
    "slow-memory-leak",
    async (sim, kubectl) => {
      await kubectl("set", "resources", "deployment", "search", "-n", "shop", "--limits=memory=768Mi", "--requests=memory=768Mi");
      await sim.advance("1h");
      const raised = appPods(sim, "shop", "search");
      assert.equal(raised.length, 2);
      for (const p of raised) assert.equal(restarts(p), 0, "an hour later it looks fixed");
      await sim.advance("4h");
      for (const p of appPods(sim, "shop", "search")) {
        assert.equal(p.spec.containers[0]!.resources?.limits?.memory, "768Mi");
        const oom = lastOOM(p);
        assert.ok(oom, `${p.metadata.name} is OOM-killed again`);
        assert.ok(oom.ranMs > 4 * HOUR, `later: after ${oom.ranMs / HOUR} h`);
      }
    },
    { stepMs: 5000 },
  );
});

/** container_cpu_cfs_* samples of the pricing containers, from each node's /metrics/cadvisor. */
const cfsSamples = async (
  sim: { list: (kind: string) => Array<{ metadata: { name?: string } }> },
  kubectl: (...a: string[]) => Promise<string>,
) => {
  const out: Record<string, number[]> = {};
  for (const n of sim.list("Node")) {
    const text = await kubectl("get", "--raw", `/api/v1/nodes/${n.metadata.name}/proxy/metrics/cadvisor`);
    for (const line of text.split("\n")) {
      const m = /^(container_cpu_cfs_\w+)\{[^}]*pod="pricing-[^"]+"[^}]*\} (\S+)/.exec(line);
      if (m) (out[m[1]!] ??= []).push(Number(m[2]));
    }
  }
  return out;
};

test("cpu-throttling: usage pinned at the CPU limit, throttled periods, readiness timeouts; raising the limit fixes it", async (t) => {
  await withScenarioKubectl(t, "cpu-throttling", async (sim, kubectl) => {
    const pods = appPods(sim, "shop", "pricing");
    assert.equal(pods.length, 2);
    for (const p of pods) assert.ok(p.status?.phase === "Running" && !isReady(p));
    const unhealthy = eventsSince(sim, "Unhealthy");
    assert.ok(unhealthy.length > 0);
    for (const e of unhealthy)
      assert.match(
        String(e.message),
        /^Readiness probe failed: Get "http:\/\/[\d.]+:8080\/healthz": context deadline exceeded \(Client\.Timeout exceeded while awaiting headers\)$/,
      );
    const top = await kubectl("top", "pod", "-n", "shop", "--no-headers");
    assert.equal((top.match(/pricing-\S+\s+200m\s/g) ?? []).length, 2, `usage pinned at the limit:\n${top}`);
    const cfs = await cfsSamples(sim, kubectl);
    assert.equal(cfs["container_cpu_cfs_periods_total"]?.length, 2);
    cfs["container_cpu_cfs_periods_total"].forEach((periods, i) => {
      assert.ok(periods > 500);
      assert.equal(cfs["container_cpu_cfs_throttled_periods_total"]![i], periods, "every period ends throttled");
    });

    await kubectl("set", "resources", "deployment", "pricing", "-n", "shop", "--limits=cpu=1500m");
    await assertRecovers(sim);
    assert.equal((await kubectl("top", "pod", "-n", "shop", "--no-headers")).match(/pricing-\S+\s+900m\s/g)?.length, 2);
    const after = await cfsSamples(sim, kubectl);
    assert.deepEqual(after["container_cpu_cfs_throttled_periods_total"], [0, 0]);
  });
});

test("cpu-throttling: more memory or more replicas leave every pod throttled and unready", async (t) => {
  await withScenarioKubectl(t, "cpu-throttling", async (sim, kubectl) => {
    await kubectl("set", "resources", "deployment", "pricing", "-n", "shop", "--limits=memory=1Gi", "--requests=memory=512Mi");
    await kubectl("scale", "deployment", "pricing", "-n", "shop", "--replicas=4");
    await sim.advance("5m");
    const since = sim.clock.now();
    await sim.advance("1m");
    // The memory change rolls out a surge pod that never becomes ready, so pods of both templates remain: all unready.
    const pods = appPods(sim, "shop", "pricing");
    assert.ok(pods.length >= 4);
    assert.ok(pods.some((p) => p.spec.containers[0]!.resources?.limits?.memory === "1Gi"));
    for (const p of pods) assert.ok(!isReady(p), `${p.metadata.name} is still unready`);
    assert.ok(eventCount(sim, "Unhealthy", since, /context deadline exceeded/) >= 4);
    assert.match(await kubectl("get", "deployment", "pricing", "-n", "shop", "--no-headers"), /^pricing\s+0\/4\s/);
  });
});

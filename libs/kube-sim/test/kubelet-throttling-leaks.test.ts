// Resource behaviour below the probes: CFS throttling caps CPU usage at the limit and shows in cAdvisor's counters,
// and a memory leak can ship with one image version only.
import { test } from "node:test";
import assert from "node:assert/strict";
import { leakFor } from "../src/behaviour/memory-leak.js";
import { containerBehaviour } from "../src/behaviour/vocabulary.js";
import { cfsCounters, responseMillis } from "../src/kubelet/cpu-throttling.js";
import { containerUsage } from "../src/kubelet/usage.js";
import { cadvisorMetrics } from "../src/metrics/cadvisor.js";
import type { Container, Pod } from "../src/types.js";
import { harness } from "./kubelet-harness.js";

const pod = (annotations: Record<string, string>, container: Container): Pod => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name: "p", annotations },
  spec: { containers: [container] },
});

test("memory-leak: one rate for every image, or rates per image version compared as containerd normalises them", () => {
  assert.equal(leakFor("20Mi/min", "shop/search:4.1.3"), "20Mi/min");
  const perVersion = "shop/search:4.2.0=120Mi/h, docker.io/shop/search:4.2.1=1Mi/min";
  assert.equal(leakFor(perVersion, "shop/search:4.2.0"), "120Mi/h");
  assert.equal(leakFor(perVersion, "shop/search:4.2.1"), "1Mi/min", "docker.io/shop/search is shop/search");
  assert.equal(leakFor(perVersion, "shop/search:4.1.3"), undefined);
  const leaking = containerBehaviour(pod({ "sim.vigil.dev/memory-leak": perVersion }, { name: "search", image: "shop/search:4.2.0" }), {
    name: "search",
    image: "shop/search:4.2.0",
  });
  assert.equal(Math.round(leaking.memoryLeakPerSecond * 3600), 120 * 2 ** 20);
  const clean = containerBehaviour(pod({ "sim.vigil.dev/memory-leak": perVersion }, { name: "search", image: "shop/search:4.1.3" }), {
    name: "search",
    image: "shop/search:4.1.3",
  });
  assert.equal(clean.memoryLeakPerSecond, 0);
});

test("CFS: every period of a container over its limit is throttled; response time stretches by demand/limit", () => {
  const limited: Container = { name: "c", resources: { limits: { cpu: "200m" } } };
  assert.deepEqual(cfsCounters(limited, 900, 60), { periods: 600, throttledPeriods: 600, throttledSeconds: 42 });
  assert.deepEqual(cfsCounters(limited, 150, 60), { periods: 600, throttledPeriods: 0, throttledSeconds: 0 });
  assert.equal(cfsCounters({ name: "c" }, 900, 60), undefined, "no quota, no CFS counters");
  const b = containerBehaviour(pod({ "sim.vigil.dev/cpu-demand": "900m", "sim.vigil.dev/response-ms": "300" }, limited), limited);
  assert.equal(responseMillis(limited, b), 1350);
  assert.equal(responseMillis({ name: "c" }, b), 300);
});

test("a throttled container's usage is pinned at its limit in metrics, and cAdvisor shows the throttled periods", () => {
  const h = harness();
  h.pod("busy-1", {
    annotations: { "sim.vigil.dev/cpu-demand": "900m" },
    containers: [{ name: "app", image: "shop/pricing:1.9.2", resources: { limits: { cpu: "200m" } } }],
  });
  h.pod("calm-1", { annotations: { "sim.vigil.dev/cpu-demand": "900m" }, containers: [{ name: "app", image: "shop/pricing:1.9.2" }] });
  h.advance(61);
  const busy = containerUsage(h.cluster, h.get("busy-1"), "app");
  assert.equal(busy.cpuMillis, 200);
  assert.equal(busy.cpuDemandMillis, 900);
  assert.equal(containerUsage(h.cluster, h.get("calm-1"), "app").cpuMillis, 900);

  const text = cadvisorMetrics(h.cluster, "node-1");
  assert.match(text, /^# HELP container_cpu_cfs_throttled_periods_total Number of throttled period intervals\.$/m);
  assert.match(text, /^# TYPE container_cpu_cfs_throttled_periods_total counter$/m);
  const sample = (metric: string, podName: string): number => {
    const m = new RegExp(`^${metric}\\{[^}]*pod="${podName}"[^}]*\\} (\\S+) \\d+$`, "m").exec(text);
    assert.ok(m, `${metric} for ${podName}`);
    return Number(m[1]);
  };
  const periods = sample("container_cpu_cfs_periods_total", "busy-1");
  assert.ok(periods >= 590 && periods <= 610, `${periods} periods in about a minute`);
  assert.equal(sample("container_cpu_cfs_throttled_periods_total", "busy-1"), periods);
  assert.equal(sample("container_spec_cpu_quota", "busy-1"), 20000);
  assert.equal(sample("container_spec_cpu_period", "busy-1"), 100000);
  assert.ok(sample("container_cpu_usage_seconds_total", "busy-1") < 12.5, "0.2 cores for about a minute");
  assert.doesNotMatch(text, /container_cpu_cfs_periods_total\{[^}]*pod="calm-1"/, "no quota: no CFS series");
  assert.ok(sample("container_memory_working_set_bytes", "calm-1") > 0);
});

// The metrics component: before vs after, scoped to the owner's pods (a neighbour's samples on the same node do not
// count), from the snapshots' metrics.k8s.io memory and restart counts and the collector's pod samples (CRI attempt,
// pod-cgroup PSI). Healthy after scores 1 even when it was healthy before; healthy before and worse after scores 0.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { PodSample } from "@vigil/contracts";
import { metrics, metricThresholds, scoreLowerIsBetter } from "../src/components/metrics.js";
import {
  containerSnap,
  iso,
  MIN,
  podSnap,
  podsSample,
  signalContext,
  snapshot,
  startSignalCluster,
  T0,
  telemetryWith,
  type SignalCluster,
} from "./signal-helpers.js";

const Mi = 1024 * 1024;
const OLD = { uid: "uid-old", name: "payments-api-7f9c8d6b5-aaaaa" };
const NEW = { uid: "uid-new", name: "payments-api-6c4b9d7f8-bbbbb" };
const NEIGHBOUR = { uid: "uid-checkout", name: "checkout-5d8f7c9b4-abcde" };

const pod = (p: { uid: string; name: string }, o: { ws?: number; attempt?: number; cpuPsi?: number; memPsi?: number }): PodSample => ({
  uid: p.uid,
  name: p.name,
  namespace: "shop",
  containers: [
    {
      name: "api",
      id: `c-${p.uid}`,
      ...(o.attempt !== undefined ? { attempt: o.attempt } : {}),
      ...(o.ws !== undefined ? { memoryWorkingSetBytes: o.ws } : {}),
    },
  ],
  psi: {
    ...(o.cpuPsi !== undefined ? { cpu: { some: { avg10: o.cpuPsi, avg60: o.cpuPsi, avg300: o.cpuPsi } } } : {}),
    ...(o.memPsi !== undefined ? { memory: { some: { avg10: o.memPsi, avg60: o.memPsi, avg300: o.memPsi } } } : {}),
  },
});

describe("metrics component", () => {
  let c: SignalCluster;
  before(async () => {
    c = await startSignalCluster();
  });
  after(() => c.stop());

  it("scores lower-is-better metrics as Kubernaut's EM, healthy-after being 1", () => {
    const cases: Array<[number | undefined, number | undefined, number, number | null]> = [
      [undefined, undefined, 0.8, null],
      [0.9, undefined, 0.8, null],
      [0.5, 0.4, 0.8, 1], // healthy before and after
      [0.5, 0.7, 0.8, 1], // a little higher, still healthy
      [0.98, 0.5, 0.8, 1], // back to healthy
      [0.5, 0.9, 0.8, 0], // worse: healthy before, not after
      [1.0, 0.9, 0.8, 0.1], // better, not healthy yet
      [0.9, 1.0, 0.8, 0], // unhealthy and worse
      [undefined, 0.9, 0.8, 0], // unhealthy, nothing to compare
      [4, 0, 0, 1], // restarts stopped
      [4, 1, 0, 0.75],
    ];
    for (const [pre, post, healthy, want] of cases) {
      const got = scoreLowerIsBetter(pre, post, healthy);
      if (want === null) assert.equal(got, null, `${pre} → ${post}`);
      else assert.ok(Math.abs(got! - want) < 1e-9, `${pre} → ${post}: ${got} ≠ ${want}`);
    }
    assert.equal(metrics.weight, 0.15);
    assert.equal(metricThresholds.memoryOfLimit, 0.8);
  });

  it("increase_resources that worked: memory under the new limit, restarts stopped, pressure gone → 1", async () => {
    const samplesBefore = [0, 3, 6, 9, 12].map((m, i) =>
      podsSample("worker-1", T0 - 14 * MIN + m * MIN, [
        pod(OLD, { ws: 250 * Mi, attempt: 3 + i, cpuPsi: 5, memPsi: 35 }),
        pod(NEIGHBOUR, { memPsi: 1 }),
      ]),
    );
    const samplesAfter = [6, 9, 12].map((m) =>
      podsSample("worker-2", T0 + m * MIN, [pod(NEW, { ws: 420 * Mi, attempt: 0, cpuPsi: 2, memPsi: 0.5 })]),
    );
    // A neighbour starving on the same node after the action is not the owner's business.
    samplesAfter.push(podsSample("worker-2", T0 + 13 * MIN, [pod(NEIGHBOUR, { cpuPsi: 90, memPsi: 80 })]));
    const ctx = signalContext({
      cluster: c.cache,
      action: "increase_resources",
      telemetry: telemetryWith({ pods: [...samplesBefore, ...samplesAfter] }),
      baseline: snapshot(T0, [
        podSnap(OLD.name, OLD.uid, [
          containerSnap({ restarts: 7, memoryLimitBytes: 256 * Mi, memoryWorkingSetBytes: 240 * Mi, lastTerminationReason: "OOMKilled" }),
        ]),
      ]),
      current: snapshot(T0 + 15 * MIN, [
        podSnap(NEW.name, NEW.uid, [containerSnap({ restarts: 0, memoryLimitBytes: 768 * Mi, memoryWorkingSetBytes: 410 * Mi })], {
          node: "worker-2",
        }),
      ]),
    });
    const r = await metrics.assess(ctx);
    assert.equal(r.value, 1, r.explanation);
    const m = r.evidence!["metrics"] as Record<string, { before: number; after: number; value: number }>;
    assert.ok(Math.abs(m["memoryOfLimit"]!.before - 250 / 256) < 1e-9, "the collector's peak against the old limit");
    assert.ok(Math.abs(m["memoryOfLimit"]!.after - 420 / 768) < 1e-9);
    assert.ok(Math.abs(m["restartsPerMinute"]!.before - 4 / 12) < 1e-9, "4 attempts over 12 sampled minutes");
    assert.equal(m["restartsPerMinute"]!.after, 0);
    assert.equal(m["memoryPressurePct"]!.before, 35);
    assert.equal(m["memoryPressurePct"]!.after, 0.5, "the neighbour's 80% is not counted");
    assert.equal(m["cpuPressurePct"]!.after, 2);
    assert.match(r.explanation, /Memory working set of limit 98% → 55% \(healthy ≤ 80%\): back to healthy\./);
    assert.match(r.explanation, /Memory pressure 35\.0% → 0\.5% \(healthy ≤ 10\.0%\): back to healthy\./);
    assert.match(r.explanation, /CPU pressure \(throttling\) 5\.0% → 2\.0% .*healthy before and after/);
  });

  it("restart_pod on an OOM loop: the new pod restarts and sits at its limit → low", async () => {
    const ctx = signalContext({
      cluster: c.cache,
      baseline: snapshot(T0, [
        podSnap(OLD.name, OLD.uid, [containerSnap({ restarts: 7, memoryLimitBytes: 256 * Mi, memoryWorkingSetBytes: 250 * Mi })], {
          createdAt: iso(T0 - 35 * MIN),
          deleting: true,
        }),
      ]),
      current: snapshot(T0 + 15 * MIN, [
        podSnap(NEW.name, NEW.uid, [
          containerSnap({ restarts: 4, memoryLimitBytes: 256 * Mi, memoryWorkingSetBytes: 251 * Mi, lastTerminatedAt: iso(T0 + 14 * MIN) }),
        ]),
      ]),
    });
    const r = await metrics.assess(ctx);
    const m = r.evidence!["metrics"] as Record<string, { before: number; after: number; value: number }>;
    assert.ok(Math.abs(m["restartsPerMinute"]!.before - 7 / 35) < 1e-9, "no samples: the old pod's restarts over its life");
    assert.ok(Math.abs(m["restartsPerMinute"]!.after - 4 / 10) < 1e-9, "the new pod's 4 restarts over the 10-minute settled window");
    assert.equal(m["restartsPerMinute"]!.value, 0, "more restarts per minute than before");
    assert.equal(m["memoryOfLimit"]!.value, 0);
    assert.equal(r.value, 0, r.explanation);
    assert.match(r.explanation, /No data after the action: CPU pressure \(throttling\), Memory pressure\./);
  });

  it("restarts that stopped before the settled window do not count", async () => {
    const ctx = signalContext({
      cluster: c.cache,
      baseline: snapshot(T0, [podSnap(OLD.name, OLD.uid, [containerSnap({ restarts: 2 })], { createdAt: iso(T0 - 20 * MIN) })]),
      current: snapshot(T0 + 15 * MIN, [podSnap(OLD.name, OLD.uid, [containerSnap({ restarts: 3, lastTerminatedAt: iso(T0 + 1 * MIN) })])]),
    });
    const r = await metrics.assess(ctx);
    const m = r.evidence!["metrics"] as Record<string, { after: number }>;
    assert.equal(m["restartsPerMinute"]!.after, 0);
    assert.equal(r.value, 1, r.explanation);
  });

  it("no pods, no usage, no samples: no data (null), never a score", async () => {
    const r = await metrics.assess(signalContext({ cluster: c.cache }));
    assert.equal(r.value, null);
    assert.match(r.explanation, /No metric of the owner's pods had data after the action/);
  });
});

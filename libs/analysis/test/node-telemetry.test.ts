// NodeTelemetry: per-node windows pruned by the node's own newest time, thinned samples, hard caps on items and
// nodes, idempotent on redelivery, kernel events in time order whatever the arrival order, and pod queries.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { NodeTelemetry } from "../src/telemetry/node-telemetry.js";
import { nodeSample, oomKill, podsSample } from "./telemetry-builders.js";

const T0 = Date.parse("2026-12-07T10:00:00Z");
const MIN = 60_000;

describe("NodeTelemetry", () => {
  it("keeps 15 minutes of samples back from the node's newest one, whatever the reader's clock", () => {
    const t = new NodeTelemetry({ nodeSampleSpacingMs: 0 });
    for (let i = 0; i <= 30; i++) t.addNodeSample(nodeSample({ node: "n1", at: T0 + i * MIN }));
    const kept = t.nodeSamples("n1");
    assert.equal(kept.length, 16, "minutes 15..30 inclusive");
    assert.equal(kept[0]!.ts, new Date(T0 + 15 * MIN).toISOString());
    assert.equal(t.nodeSamples("n1", T0 + 29 * MIN).length, 2, "sinceMs by sample time");
    // Another node's clock, far ahead, does not prune n1.
    t.addNodeSample(nodeSample({ node: "n2", at: T0 + 10 * 60 * MIN }));
    assert.equal(t.nodeSamples("n1").length, 16);
    assert.deepEqual(t.nodes(), ["n1", "n2"]);
  });

  it("thins samples to the spacing but always keeps the newest", () => {
    const t = new NodeTelemetry({ nodeSampleSpacingMs: 5_000 });
    for (let s = 0; s <= 60; s++) t.addNodeSample(nodeSample({ node: "n1", at: T0 + s * 1000 }));
    const at = t.nodeSamples("n1").map((m) => (Date.parse(m.ts) - T0) / 1000);
    assert.equal(at.at(-1), 60, "the newest sample is there");
    for (let i = 1; i < at.length - 1; i++) assert.ok(at[i]! - at[i - 1]! >= 5, `history spaced by 5 s: ${at.join(",")}`);
    assert.ok(at.length <= 14, `about 60/5 samples, got ${at.length}`);
  });

  it("ignores a redelivered or older sample, and a kernel event it already has", () => {
    const t = new NodeTelemetry();
    const s1 = nodeSample({ node: "n1", at: T0 });
    const s2 = nodeSample({ node: "n1", at: T0 + 10_000 });
    assert.equal(t.addNodeSample(s1), true);
    assert.equal(t.addNodeSample(s2), true);
    assert.equal(t.addNodeSample(s1), false);
    assert.equal(t.addNodeSample(s2), false);
    const e = oomKill({ node: "n1", at: T0 + 1000, scope: "container" });
    assert.equal(t.addKernelEvent(e), true);
    assert.equal(t.addKernelEvent(e), false);
    assert.equal(t.nodeSamples("n1").length, 2);
    assert.equal(t.kernelEvents("n1").length, 1);
  });

  it("orders kernel events by when they happened, prunes them after an hour, and caps them per node", () => {
    const t = new NodeTelemetry({ maxKernelEventsPerNode: 3 });
    const late = oomKill({ node: "n1", at: T0 + 5 * MIN, scope: "container", comm: "late" });
    const early = oomKill({ node: "n1", at: T0 + 1 * MIN, scope: "container", comm: "early" });
    t.addKernelEvent(late);
    t.addKernelEvent(early);
    assert.deepEqual(
      t.kernelEvents("n1").map((e) => e.comm),
      ["early", "late"],
    );
    // A sample 61 minutes after the early event moves the node's clock: the early one is out of the hour.
    t.addNodeSample(nodeSample({ node: "n1", at: T0 + 62 * MIN }));
    assert.deepEqual(
      t.kernelEvents("n1").map((e) => e.comm),
      ["late"],
    );
    for (let i = 0; i < 5; i++) t.addKernelEvent(oomKill({ node: "n1", at: T0 + (63 + i) * MIN, scope: "node", comm: `storm-${i}` }));
    assert.deepEqual(
      t.kernelEvents("n1").map((e) => e.comm),
      ["storm-2", "storm-3", "storm-4"],
      "the newest 3",
    );
    assert.equal(t.stats().kernelEvents, 3);
  });

  it("caps the number of nodes, forgetting the one heard from least recently", () => {
    const t = new NodeTelemetry({ maxNodes: 2 });
    t.addNodeSample(nodeSample({ node: "old", at: T0 }));
    t.addNodeSample(nodeSample({ node: "recent", at: T0 + MIN }));
    t.addNodeSample(nodeSample({ node: "new", at: T0 + 2 * MIN }));
    assert.deepEqual(t.nodes(), ["new", "recent"]);
  });

  it("answers kernel event queries by type, time and pod (uid, else namespace/name), across nodes", () => {
    const t = new NodeTelemetry();
    t.addKernelEvent(oomKill({ node: "a", at: T0 + 2000, scope: "container", pod: { uid: "u1", namespace: "shop", name: "web-1" } }));
    t.addKernelEvent(oomKill({ node: "b", at: T0 + 1000, scope: "container", pod: { namespace: "shop", name: "web-1" } }));
    t.addKernelEvent(oomKill({ node: "b", at: T0 + 3000, scope: "node" }));
    assert.deepEqual(
      t.kernelEvents(undefined).map((e) => e.node),
      ["b", "a", "b"],
      "every node, by time",
    );
    assert.equal(t.kernelEvents(undefined, { pod: { uid: "u1", namespace: "shop", name: "web-1" } }).length, 2, "uid, or name when no uid");
    assert.equal(
      t.kernelEvents(undefined, { pod: { uid: "u2", namespace: "shop", name: "web-1" } }).length,
      1,
      "another uid: only the nameless-uid event",
    );
    assert.equal(t.kernelEvents("b", { sinceMs: T0 + 2000 }).length, 1);
    assert.equal(t.kernelEvents("b", { type: "swap_fault_latency" }).length, 0);
  });

  it("keeps pod samples in their own bounded window", () => {
    const t = new NodeTelemetry({ podSampleSpacingMs: 0, maxPodSamplesPerNode: 4 });
    for (let i = 0; i < 10; i++) {
      t.addPodsSample(
        podsSample({
          node: "n1",
          at: T0 + i * 1000,
          pods: [{ uid: "u1", namespace: "shop", name: "web-1", containers: [{ name: "app" }] }],
        }),
      );
    }
    assert.equal(t.podSamples("n1").length, 4);
    assert.equal(t.podSamples("nope").length, 0);
    assert.equal(t.newestAt("n1"), T0 + 9000);
  });
});

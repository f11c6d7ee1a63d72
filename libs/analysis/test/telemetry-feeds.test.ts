// startTelemetryFeeds against a real NATS: what the collector and ebpf-ingest published in the window is in the
// NodeTelemetry once the feeds are caught up, new messages arrive live, invalid ones are skipped and counted,
// and feeds re-reading the window into the same NodeTelemetry change nothing (idempotent).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Bus } from "@vigil/bus";
import { streams, topics } from "@vigil/contracts";
import { type NatsServerHandle, startNats, waitFor } from "@vigil/testing";
import { pino } from "pino";
import { NodeTelemetry } from "../src/telemetry/node-telemetry.js";
import { startTelemetryFeeds } from "../src/telemetry/telemetry-feeds.js";
import { nodeSample, oomKill, podsSample } from "./telemetry-builders.js";

const log = pino({ level: process.env.TEST_LOG_LEVEL ?? "silent" });

describe("startTelemetryFeeds", () => {
  let nats: NatsServerHandle;
  let bus: Bus;
  const now = Date.now();

  before(async () => {
    nats = await startNats();
    bus = await Bus.connect({ servers: nats.url, name: "telemetry-feeds-test", log, reconnectTimeWaitMs: 200 });
    await bus.provision([streams.metrics, streams.kernelEvents, streams.deadLetters]);
    for (let i = 0; i < 3; i++) {
      await bus.publish(topics.nodeMetrics, nodeSample({ node: "worker-1", at: now - (3 - i) * 10_000 }));
      await bus.publish(topics.nodeMetrics, nodeSample({ node: "worker-2", at: now - (3 - i) * 10_000 }));
    }
    await bus.publish(
      topics.podMetrics,
      podsSample({
        node: "worker-1",
        at: now - 5_000,
        pods: [{ uid: "u1", namespace: "shop", name: "web-1", containers: [{ name: "app" }] }],
      }),
    );
    await bus.publish(topics.kernelEvents, oomKill({ node: "worker-1", at: now - 4_000, scope: "container", pod: { uid: "u1" } }));
    // A producer that skipped validation: the feed must skip it, not stop.
    await bus.js.publish("vigil.events.kernel.worker-1.oom_kill", JSON.stringify({ id: "broken", node: "worker-1" }));
  });
  after(async () => {
    await bus?.drain(2000);
    await nats?.stop();
  });

  it("fills the windows from JetStream, then live, skipping invalid messages", async () => {
    const telemetry = new NodeTelemetry({ nodeSampleSpacingMs: 0 });
    const invalid: string[] = [];
    const feeds = startTelemetryFeeds(bus, telemetry, {
      log,
      onInvalid: (topic) => void invalid.push(topic),
      recreateBackoff: { baseMs: 50, maxMs: 500 },
    });
    await waitFor(() => feeds.caughtUp(), { message: "feeds caught up" });
    assert.deepEqual(telemetry.nodes(), ["worker-1", "worker-2"]);
    assert.equal(telemetry.nodeSamples("worker-1").length, 3);
    assert.equal(telemetry.podSamples("worker-1").length, 1);
    assert.equal(telemetry.kernelEvents("worker-1", { pod: { uid: "u1" } }).length, 1);
    assert.deepEqual(invalid, ["kernel_events"]);

    await bus.publish(topics.nodeMetrics, nodeSample({ node: "worker-2", at: now + 1_000 }));
    await waitFor(() => telemetry.nodeSamples("worker-2").length === 4, { message: "a live sample" });
    assert.equal(feeds.stats()["node_metrics"]!.delivered, 7);

    // Feeds started again on the same windows re-read everything: nothing is added twice.
    await feeds.stop();
    const before = telemetry.stats();
    const again = startTelemetryFeeds(bus, telemetry, { log });
    await waitFor(() => again.caughtUp() && again.stats()["node_metrics"]!.delivered === 7, { message: "window re-read" });
    assert.deepEqual(telemetry.stats(), before);
    await again.stop();
  });
});

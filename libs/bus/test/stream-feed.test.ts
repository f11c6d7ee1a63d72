// StreamFeed against a real NATS: the window at start (by stored time), live delivery, one node's subjects only,
// invalid messages skipped and reported, and no message lost or repeated when the consumer is deleted, NATS
// restarts, or NATS comes back with an empty store.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type KernelEventMessage, streams, topics } from "@vigil/contracts";
import { type NatsServerHandle, startNats, waitFor } from "@vigil/testing";
import { type Bus, StreamFeed, type StreamFeedMessageMeta } from "../src/index.js";
import { connectBus, silentLog } from "./fixtures.js";

let n = 0;
function kernelEvent(node: string, comm: string): KernelEventMessage {
  const id = `kev-${node}-${++n}`;
  return { id, correlationId: id, node, type: "oom_kill", observedAt: new Date().toISOString(), source: "bpftrace", comm, data: {} };
}

/** A feed of one node's kernel events, recording what it delivers and skips. */
function feedOf(bus: Bus, node: string, opts: { windowMs?: number; now?: () => number } = {}) {
  const seen: Array<{ comm: string; seq: number }> = [];
  const invalid: Array<StreamFeedMessageMeta & { error: string }> = [];
  const feed = new StreamFeed({
    js: bus.js,
    topic: topics.kernelEvents,
    filter: `vigil.events.kernel.${node}.>`,
    windowMs: opts.windowMs ?? 60_000,
    log: silentLog,
    recreateBackoff: { baseMs: 50, maxMs: 500 },
    pullExpiresMs: 2_000,
    ...(opts.now ? { now: opts.now } : {}),
    onMessage: (e, meta) => void seen.push({ comm: e.comm ?? "", seq: meta.seq }),
    onInvalid: (meta) => void invalid.push(meta),
  }).start();
  return { feed, seen, invalid, comms: () => seen.map((s) => s.comm) };
}

describe("bus: StreamFeed", () => {
  let nats: NatsServerHandle;
  let bus: Bus;
  const publish = (node: string, comm: string) => bus.publish(topics.kernelEvents, kernelEvent(node, comm));

  before(async () => {
    nats = await startNats();
    bus = await connectBus(nats.url);
    await bus.provision([streams.kernelEvents, streams.deadLetters]);
  });
  after(async () => {
    await bus?.drain(2000);
    await nats?.stop();
  });

  it("is caught up at once on an empty window", async () => {
    const { feed, seen } = feedOf(bus, "empty-node");
    await waitFor(() => feed.caughtUp, { message: "caught up" });
    assert.deepEqual(seen, []);
    await feed.stop();
  });

  it("starts with the window's messages by stored time, then delivers new ones live, of its subjects only", async () => {
    await publish("win", "too-old");
    const storedBy = Date.now();
    await waitFor(() => Date.now() > storedBy + 1, { intervalMs: 1 });
    const split = Date.now();
    await publish("win", "in-window-1");
    await publish("other", "other-node");
    await publish("win", "in-window-2");
    // The window starts at `split`: pin "now" one window after it.
    const { feed, comms } = feedOf(bus, "win", { windowMs: 60_000, now: () => split + 60_000 });
    await waitFor(() => feed.caughtUp, { message: "caught up" });
    assert.deepEqual(comms(), ["in-window-1", "in-window-2"]);
    await publish("win", "live");
    await waitFor(() => comms().length === 3, { message: "live message" });
    assert.deepEqual(comms(), ["in-window-1", "in-window-2", "live"]);
    await feed.stop();
  });

  it("skips and reports a message that fails the schema, and goes on", async () => {
    const { feed, comms, invalid } = feedOf(bus, "bad");
    await waitFor(() => feed.caughtUp);
    await bus.js.publish("vigil.events.kernel.bad.oom_kill", JSON.stringify({ id: "x", node: "bad" }));
    await bus.js.publish("vigil.events.kernel.bad.oom_kill", "not json");
    await publish("bad", "valid-after");
    await waitFor(() => comms().length === 1, { message: "the valid message" });
    assert.deepEqual(comms(), ["valid-after"]);
    assert.equal(invalid.length, 2);
    assert.match(invalid[0]!.error, /does not match the schema/);
    assert.match(invalid[1]!.error, /not UTF-8 JSON/);
    assert.equal(feed.stats().skipped, 2);
    await feed.stop();
  });

  it("resumes after its consumer is deleted, without losing or repeating a message", async () => {
    const { feed, seen, comms } = feedOf(bus, "del");
    await publish("del", "before");
    await waitFor(() => comms().length === 1);
    for await (const c of bus.jsm.consumers.list(streams.kernelEvents.name)) {
      if (c.config.filter_subject === "vigil.events.kernel.del.>") await bus.jsm.consumers.delete(streams.kernelEvents.name, c.name);
    }
    await publish("del", "after-1");
    await publish("del", "after-2");
    await waitFor(() => comms().length >= 3, { timeoutMs: 15_000, message: "messages after the deletion" });
    assert.deepEqual(comms(), ["before", "after-1", "after-2"]);
    assert.deepEqual(
      seen.map((s) => s.seq),
      [...seen.map((s) => s.seq)].sort((a, b) => a - b),
      "in stream order",
    );
    await feed.stop();
  });

  it("resumes after NATS restarts, from where it was", async (t) => {
    if (!nats.controllable) return t.skip("needs a nats-server the harness can restart");
    const { feed, comms } = feedOf(bus, "restart");
    await publish("restart", "r1");
    await waitFor(() => comms().length === 1);
    await nats.restart();
    await waitFor(() => bus.connected, { timeoutMs: 10_000, message: "bus reconnected" });
    await waitFor(
      async () => {
        try {
          await publish("restart", "r2");
          return true;
        } catch {
          return false;
        }
      },
      { timeoutMs: 10_000, message: "a publish after the restart" },
    );
    await waitFor(() => comms().includes("r2"), { timeoutMs: 20_000, message: "r2 delivered" });
    assert.deepEqual(comms(), ["r1", "r2"]);
    await feed.stop();
  });

  it("reads the window again when NATS comes back with an empty store (sequences restart)", async (t) => {
    if (!nats.controllable) return t.skip("needs a nats-server the harness can restart");
    // Sequences far above what the new stream will have: resuming after them would miss everything.
    const { feed, comms } = feedOf(bus, "wiped");
    for (let i = 0; i < 5; i++) await publish("wiped", `old-${i}`);
    await waitFor(() => comms().length === 5);
    const lastBefore = feed.lastSeq;
    await nats.restart({ wipeStore: true });
    await waitFor(() => bus.connected, { timeoutMs: 10_000 });
    await bus.provision([streams.kernelEvents, streams.deadLetters]);
    await publish("wiped", "new-1");
    await waitFor(() => comms().includes("new-1"), { timeoutMs: 30_000, message: "new-1 delivered after the wipe" });
    assert.ok(feed.lastSeq < lastBefore, "the feed follows the new stream's sequences");
    assert.equal(comms().filter((c) => c === "new-1").length, 1);
    await feed.stop();
  });
});

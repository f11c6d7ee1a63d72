import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { jetstreamManager } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";
import { streams, topics } from "@vigil/contracts";
import { makeAlert, type NatsServerHandle, startNats, waitFor } from "@vigil/testing";
import type { Bus } from "../src/index.js";
import { capturingLog, connectBus } from "./fixtures.js";

const fastRecovery = { baseMs: 50, maxMs: 400, checkIntervalMs: 300 };

/** A consumer that records the ids it handled, on its own bus with a captured log. */
async function recordingConsumer(url: string, durable: string, busOptions = {}) {
  const { log, lines } = capturingLog();
  const bus = await connectBus(url, undefined, { log, consumerRecovery: fastRecovery, ...busOptions });
  await bus.provision([streams.alerts, streams.deadLetters]);
  const handled: string[] = [];
  await bus.consume({ topic: topics.alerts, durable, handler: async (m) => void handled.push(m.id) });
  return { bus, handled, lines };
}

/** Publishes, retrying while the stream is missing (the publisher re-creates it, as the webhook would). */
async function publishEventually(bus: Bus, i: number): Promise<string> {
  const alert = makeAlert(i);
  await waitFor(() => bus.publish(topics.alerts, alert).then(() => true), { timeoutMs: 10_000, message: `publish ${alert.id}` });
  return alert.id;
}

describe("bus: a consumer whose stream or durable disappears re-creates itself", () => {
  let nats: NatsServerHandle;
  let admin: Bus;
  const buses: Bus[] = [];

  before(async () => {
    nats = await startNats();
    admin = await connectBus(nats.url);
    await admin.provision([streams.alerts, streams.deadLetters]);
  });
  after(async () => {
    for (const b of [...buses, admin]) await b?.drain(2000);
    await nats?.stop();
  });

  it("handles what is published after its stream was deleted and re-created by a publisher, and says so in the log", async () => {
    const consumer = await recordingConsumer(nats.url, "rec-stream");
    buses.push(consumer.bus);
    const first = await publishEventually(admin, 100);
    await waitFor(() => consumer.handled.includes(first), { message: "handled before the loss" });

    await admin.jsm.streams.delete(streams.alerts.name); // an operator, or a server that lost its store
    const after = [await publishEventually(admin, 101), await publishEventually(admin, 102), await publishEventually(admin, 103)];
    await waitFor(() => after.every((id) => consumer.handled.includes(id)), {
      message: "the 3 messages published after the loss are handled",
    });

    const warn = consumer.lines.find((l) => l.consumer === "rec-stream" && l.stream === streams.alerts.name && /gone/.test(String(l.msg)));
    assert.ok(warn, `a warn line names the consumer and the stream: ${JSON.stringify(consumer.lines)}`);
    assert.equal(warn.level, 40);
    assert.deepEqual(consumer.bus.consumersHealth(), [
      { consumer: "rec-stream", stream: streams.alerts.name, ok: true, detail: "running" },
    ]);
  });

  it("re-creates a durable an operator deleted, resuming after what it had handled rather than replaying history", async () => {
    const history = await publishEventually(admin, 200); // before the durable exists: never its business
    const consumer = await recordingConsumer(nats.url, "rec-durable");
    buses.push(consumer.bus);
    const first = await publishEventually(admin, 201);
    await waitFor(() => consumer.handled.includes(first));

    await admin.jsm.consumers.delete(streams.alerts.name, "rec-durable");
    const later = [await publishEventually(admin, 202), await publishEventually(admin, 203)];
    await waitFor(() => later.every((id) => consumer.handled.includes(id)), { message: "messages after the deletion are handled" });
    assert.ok(!consumer.handled.includes(history), "history from before the durable was first created is not replayed");
    const info = await admin.jsm.consumers.info(streams.alerts.name, "rec-durable");
    assert.equal(info.config.filter_subject, topics.alerts.filter, "re-created with the same configuration");
    assert.equal(info.config.ack_wait, 30_000 * 1_000_000);
  });
});

describe("bus: a consumer whose server came back without its store", () => {
  let nats: NatsServerHandle;

  before(async () => {
    nats = await startNats();
  });
  after(async () => {
    await nats?.stop();
  });

  it("reports itself not running while it cannot re-create its stream, then re-creates stream and durable and resumes", async (t) => {
    if (!nats.controllable) return t.skip("needs a nats-server the harness can restart");
    // A slow reconnect leaves room to put a blocker in place before the consumer sees the empty server.
    const consumer = await recordingConsumer(nats.url, "rec-wiped", { reconnectTimeWaitMs: 3000 });
    const first = await publishEventually(consumer.bus, 300);
    await waitFor(() => consumer.handled.includes(first));

    await nats.restart({ wipeStore: true });
    const nc = await connect({ servers: nats.url });
    const jsm = await jetstreamManager(nc);
    // A stream holding the same subjects makes re-creating VIGIL_ALERTS fail until it is removed.
    await jsm.streams.add({ name: "BLOCKER", subjects: ["vigil.alerts.>"] });

    const down = await waitFor(() => consumer.bus.consumersHealth().find((h) => !h.ok), {
      timeoutMs: 15_000,
      message: "health turns not ok",
    });
    assert.equal(down.consumer, "rec-wiped");
    assert.equal(down.stream, streams.alerts.name);
    assert.match(down.detail, /rec-wiped.*VIGIL_ALERTS.*gone/);
    await waitFor(() => /re-creating failed/.test(consumer.bus.consumersHealth()[0]!.detail), { message: "detail says re-creation fails" });
    assert.ok(
      consumer.lines.some((l) => l.consumer === "rec-wiped" && /could not re-create/.test(String(l.msg))),
      "each failed attempt is logged",
    );

    await jsm.streams.delete("BLOCKER");
    await waitFor(() => consumer.bus.consumersHealth()[0]!.ok, { timeoutMs: 10_000, message: "running again" });
    const info = await jsm.consumers.info(streams.alerts.name, "rec-wiped");
    assert.equal(info.config.durable_name, "rec-wiped");
    const after = await publishEventually(consumer.bus, 301);
    await waitFor(() => consumer.handled.includes(after), { message: "a message published after the recovery is handled" });
    await nc.close();
    await consumer.bus.drain(2000);
  });
});

import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { allStreams, streams, topics } from "@vigil/contracts";
import { makeAlert, type NatsServerHandle, startNats, waitFor } from "@vigil/testing";
import type { Bus } from "../src/index.js";
import { connectBus } from "./fixtures.js";

describe("bus: provisioning and publishing against a real nats-server", () => {
  let nats: NatsServerHandle;
  let bus: Bus;

  before(async () => {
    nats = await startNats();
    bus = await connectBus(nats.url);
    await bus.provision();
  });
  after(async () => {
    await bus?.drain(2000);
    await nats?.stop();
  });

  it("provisions every stream idempotently and updates a changed definition", async () => {
    await bus.provision(); // second time: no error, no change
    const names = [];
    for await (const s of bus.jsm.streams.list()) names.push(s.config.name);
    for (const def of allStreams) assert.ok(names.includes(def.name), `${def.name} exists`);

    const changed = { ...streams.metrics, maxAgeMs: 2 * 60 * 60_000 };
    await bus.provision([changed]);
    const info = await bus.jsm.streams.info(streams.metrics.name);
    assert.equal(info.config.max_age, 2 * 60 * 60_000 * 1_000_000);
    await bus.provision([streams.metrics]);
  });

  it("stores a message once when the same msg id is published twice", async () => {
    const alert = makeAlert(1);
    const first = await bus.publish(topics.alerts, alert);
    const second = await bus.publish(topics.alerts, alert);
    assert.equal(first.duplicate, false);
    assert.equal(second.duplicate, true);
    assert.equal(second.seq, first.seq);
    const stored = await bus.jsm.streams.getMessage(streams.alerts.name, { last_by_subj: "vigil.alerts.firing" });
    assert.equal(stored?.json<{ id: string }>().id, alert.id);
    assert.equal(stored?.header.get("Nats-Msg-Id"), alert.id);
    assert.equal(stored?.header.get("Vigil-Correlation-Id"), alert.correlationId);
    const info = await bus.jsm.streams.info(streams.alerts.name);
    assert.equal(info.state.messages, 1);
  });

  it("routes by the topic's subject function", async () => {
    const ack = await bus.publish(topics.alerts, makeAlert(2, { status: "resolved", id: "fp2:resolved" }));
    const stored = await bus.jsm.streams.getMessage(streams.alerts.name, { seq: ack.seq });
    assert.equal(stored?.subject, "vigil.alerts.resolved");
  });

  it("refuses to publish a message that fails its schema", async () => {
    const before = (await bus.jsm.streams.info(streams.alerts.name)).state.messages;
    const bad = { ...makeAlert(3), status: "exploded" } as unknown as ReturnType<typeof makeAlert>;
    await assert.rejects(bus.publish(topics.alerts, bad), { name: "InvalidMessageError", message: /status/ });
    assert.equal((await bus.jsm.streams.info(streams.alerts.name)).state.messages, before);
  });

  it("reports a subject no stream captures as unavailable, not as success", async () => {
    await assert.rejects(bus.publisher.publish("nowhere.at.all", "x"), { name: "BusUnavailableError", message: /no JetStream stream/ });
  });

  it("pipelines a burst of 20,000 publishes, every one acknowledged", async () => {
    const n = 20_000;
    const started = performance.now();
    const acks = await Promise.all(
      Array.from({ length: n }, (_, i) => bus.publisher.publish(`vigil.metrics.node.burst`, `{"i":${i}}`, { msgId: `burst-${i}` })),
    );
    const seconds = (performance.now() - started) / 1000;
    assert.equal(new Set(acks.map((a) => a.seq)).size, n);
    assert.ok(acks.every((a) => !a.duplicate && a.stream === streams.metrics.name));
    const info = await bus.jsm.streams.info(streams.metrics.name, { subjects_filter: "vigil.metrics.node.burst" });
    assert.equal(info.state.subjects?.["vigil.metrics.node.burst"], n);
    console.log(`# pipelined publish: ${n} messages in ${seconds.toFixed(2)}s = ${Math.round(n / seconds)} msg/s`);
  });

  it("publishes many messages with one call, each outcome at its index", async () => {
    const [a, b] = [makeAlert(10), makeAlert(11)];
    const bad = { ...makeAlert(12), status: "exploded" } as unknown as ReturnType<typeof makeAlert>;
    const before = (await bus.jsm.streams.info(streams.alerts.name)).state.messages;
    const outcomes = await bus.publishMany(topics.alerts, [a, bad, b, a]);
    assert.equal(outcomes.length, 4);
    const [first, invalid, second, repeat] = outcomes;
    assert.ok(!(first instanceof Error) && !first!.duplicate);
    assert.ok(invalid instanceof Error && invalid.name === "InvalidMessageError" && /status/.test(invalid.message));
    assert.ok(!(second instanceof Error) && !second!.duplicate && second!.seq > (first as { seq: number }).seq, "sent in order");
    assert.ok(!(repeat instanceof Error) && repeat!.duplicate && repeat!.seq === (first as { seq: number }).seq);
    assert.equal((await bus.jsm.streams.info(streams.alerts.name)).state.messages, before + 2);
    const stored = await bus.jsm.streams.getMessage(streams.alerts.name, { seq: (second as { seq: number }).seq });
    assert.equal(stored?.header.get("Nats-Msg-Id"), b.id);
    assert.equal(stored?.header.get("Vigil-Correlation-Id"), b.correlationId);
    assert.deepEqual(await bus.publishMany(topics.alerts, []), []);
  });

  it("skipSchemaCheck: the same bytes and headers without the schema pass", async () => {
    const m = makeAlert(20);
    const [ack] = await bus.publishMany(topics.alerts, [m], { skipSchemaCheck: true, headers: { "X-Trace": "t-1" } });
    assert.ok(ack && !(ack instanceof Error) && !ack.duplicate);
    const stored = await bus.jsm.streams.getMessage(streams.alerts.name, { seq: ack.seq });
    assert.deepEqual(stored?.json(), topics.alerts.schema.parse(m));
    assert.equal(stored?.header.get("Nats-Msg-Id"), m.id);
    assert.equal(stored?.header.get("Vigil-Correlation-Id"), m.correlationId);
    assert.equal(stored?.header.get("X-Trace"), "t-1");
  });

  it("refuses headers NATS cannot carry, for that message only", async () => {
    const outcomes = await bus.publishMany(
      topics.alerts,
      [makeAlert(21), makeAlert(22), makeAlert(23)].map((m, i) => (i === 1 ? { ...m, correlationId: "a\r\nInjected: yes" } : m)),
    );
    assert.ok(!(outcomes[0] instanceof Error) && !(outcomes[2] instanceof Error));
    assert.ok(outcomes[1] instanceof Error && outcomes[1].name === "InvalidHeaderError", (outcomes[1] as Error | undefined)?.message);
    await assert.rejects(
      bus.publisher.publish("vigil.alerts.x", "{}", { headers: { "Bad:Name": "v" } }),
      /InvalidHeaderError|not printable ASCII without ':'/,
    );
  });

  it("gives every message of a batch nobody stores its own unavailable error", async () => {
    const outcomes = await bus.publisher.publishMany([0, 1, 2].map((i) => ({ subject: "nowhere.at.all", data: `${i}` })));
    assert.equal(outcomes.length, 3);
    for (const o of outcomes) assert.ok(o instanceof Error && o.name === "BusUnavailableError" && /no JetStream stream/.test(o.message));
  });

  it("reports publishes awaiting an ack at scrape time", async () => {
    const n = 2000;
    const done = bus.publisher.publishMany(
      Array.from({ length: n }, (_, i) => ({ subject: "vigil.metrics.node.gauge", data: `{"i":${i}}`, options: { msgId: `gauge-${i}` } })),
    );
    // Sent synchronously; no ack can arrive before this turn of the event loop ends.
    assert.equal((await bus.metrics.pendingPublishes.get()).values[0]?.value, n);
    assert.ok((await done).every((o) => !(o instanceof Error)));
    assert.equal((await bus.metrics.pendingPublishes.get()).values[0]?.value, 0);
  });

  it(
    "fails fast while NATS is down and publishes again once it is back",
    { skip: !process.env.VIGIL_TEST_NATS_URL ? false : "external NATS cannot be restarted" },
    async () => {
      await nats.kill();
      await waitFor(() => !bus.connected, { timeoutMs: 5000, message: "bus notices the outage" });
      const t0 = performance.now();
      await assert.rejects(bus.publish(topics.alerts, makeAlert(4)), { name: "BusUnavailableError" });
      assert.ok(performance.now() - t0 < 500, "rejected without waiting for the publish timeout");
      await nats.restart();
      await waitFor(() => bus.connected, { timeoutMs: 10_000, message: "bus reconnects" });
      const ack = await bus.publish(topics.alerts, makeAlert(4));
      assert.equal(ack.duplicate, false);
    },
  );
});

import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type AlertMessage, streams, subjects, topics } from "@vigil/contracts";
import { makeAlert, type NatsServerHandle, startNats, waitFor } from "@vigil/testing";
import { type Bus, PermanentError, RetryableError } from "../src/index.js";
import { connectBus, deadLetters, sleep } from "./fixtures.js";

describe("bus: durable consumers against a real nats-server", () => {
  let nats: NatsServerHandle;
  let bus: Bus;
  let n = 0;
  // Each test uses its own consumer over its own slice of the stream (distinct pods) to stay independent.
  const freshAlert = (overrides: Partial<AlertMessage> = {}) => makeAlert(1000 + n++, overrides);

  before(async () => {
    nats = await startNats();
    bus = await connectBus(nats.url);
    await bus.provision();
  });
  after(async () => {
    await bus?.drain(2000);
    await nats?.stop();
  });

  it("delivers validated messages with their correlation id and acks them", async () => {
    const seen: Array<{ id: string; correlationId: string; delivery: number }> = [];
    const runner = await bus.consume({
      topic: topics.alerts,
      durable: "t-basic",
      filterSubject: subjects.alertsResolved,
      handler: async (m, ctx) => void seen.push({ id: m.id, correlationId: m.correlationId, delivery: ctx.deliveryCount }),
    });
    const alerts = [0, 1, 2].map(() => freshAlert({ status: "resolved" }));
    for (const a of alerts) await bus.publish(topics.alerts, a);
    await waitFor(() => seen.length === 3, { timeoutMs: 5000 });
    assert.deepEqual(seen.map((s) => s.id).sort(), alerts.map((a) => a.id).sort());
    assert.deepEqual(seen.map((s) => s.correlationId).sort(), alerts.map((a) => a.correlationId).sort());
    assert.ok(seen.every((s) => s.delivery === 1));
    await runner.stop();
    // The server applies acks asynchronously to the consumer: poll its state rather than race it.
    await waitFor(
      async () => {
        const info = await bus.jsm.consumers.info(streams.alerts.name, "t-basic");
        return info.num_ack_pending === 0 && info.num_pending === 0;
      },
      { timeoutMs: 3000 },
    );
  });

  it("redelivers after a nak and succeeds on a later delivery", async () => {
    const deliveries: number[] = [];
    const alert = freshAlert();
    const runner = await bus.consume({
      topic: topics.alerts,
      durable: "t-retry",
      filterSubject: subjects.alertsFiring,
      deliverPolicy: "new",
      handler: async (m, ctx) => {
        if (m.id !== alert.id) return;
        deliveries.push(ctx.deliveryCount);
        if (ctx.deliveryCount < 3) throw new RetryableError("downstream not ready", { retryAfterMs: 100 });
      },
    });
    await bus.publish(topics.alerts, alert);
    await waitFor(() => deliveries.length === 3, { timeoutMs: 5000 });
    await sleep(300); // proves nothing happens: no 4th delivery after the success
    assert.deepEqual(deliveries, [1, 2, 3]);
    await runner.stop();
    assert.equal((await deadLetters(bus, "t-retry")).length, 0);
  });

  it("dead-letters after max deliveries with the reason, payload and delivery count", async () => {
    const alert = freshAlert();
    let calls = 0;
    const runner = await bus.consume({
      topic: topics.alerts,
      durable: "t-dlq",
      deliverPolicy: "new",
      maxDeliver: 3,
      retryBaseMs: 50,
      handler: async (m) => {
        if (m.id !== alert.id) return;
        calls++;
        throw new Error("kubernetes API said no");
      },
    });
    const ack = await bus.publish(topics.alerts, alert);
    await waitFor(async () => (await deadLetters(bus, "t-dlq")).length === 1, { timeoutMs: 8000 });
    const [dl] = await deadLetters(bus, "t-dlq");
    assert.ok(dl);
    assert.equal(dl.reason, "max_deliveries");
    assert.equal(dl.error, "kubernetes API said no");
    assert.equal(dl.deliveryCount, 3);
    assert.equal(dl.streamSequence, ack.seq);
    assert.equal(dl.subject, subjects.alertsFiring);
    assert.equal(dl.correlationId, alert.correlationId);
    assert.equal(dl.payloadEncoding, "utf8");
    assert.deepEqual(JSON.parse(dl.payload), JSON.parse(JSON.stringify(alert)));
    await sleep(500); // proves nothing happens: no delivery after dead-lettering
    assert.equal(calls, 3, "no delivery after dead-lettering");
    await runner.stop();
  });

  it("dead-letters a permanent error at once and an invalid message without calling the handler", async () => {
    const alert = freshAlert();
    const handled: string[] = [];
    const runner = await bus.consume({
      topic: topics.alerts,
      durable: "t-perm",
      deliverPolicy: "new",
      handler: async (m) => {
        handled.push(m.id);
        if (m.id === alert.id) throw new PermanentError("target kind is not supported");
      },
    });
    await bus.publish(topics.alerts, alert);
    await bus.publisher.publish(subjects.alertsFiring, "{not json", { msgId: "garbage-1" });
    await bus.publisher.publish(subjects.alertsFiring, JSON.stringify({ id: "x", status: "firing" }), { msgId: "garbage-2" });
    const good = freshAlert();
    await bus.publish(topics.alerts, good);
    await waitFor(async () => (await deadLetters(bus, "t-perm")).length === 3, { timeoutMs: 5000 });
    const dls = await deadLetters(bus, "t-perm");
    const byReason = (r: string) => dls.filter((d) => d.reason === r);
    assert.equal(byReason("permanent_error").length, 1);
    assert.equal(byReason("permanent_error")[0]?.deliveryCount, 1);
    assert.equal(byReason("invalid_message").length, 2);
    assert.ok(byReason("invalid_message").some((d) => d.payload === "{not json" && /not UTF-8 JSON/.test(d.error)));
    assert.ok(
      byReason("invalid_message").some((d) => /fingerprint/.test(d.error)),
      "names the missing field",
    );
    await waitFor(() => handled.includes(good.id), { timeoutMs: 3000 });
    assert.deepEqual(handled.sort(), [alert.id, good.id].sort(), "invalid messages never reach the handler");
    await runner.stop();
  });

  it("keeps processing the messages behind a poison message", async () => {
    const poison = freshAlert();
    const goods = [0, 1, 2, 3, 4].map(() => freshAlert());
    const order: string[] = [];
    const runner = await bus.consume({
      topic: topics.alerts,
      durable: "t-poison",
      deliverPolicy: "new",
      concurrency: 1,
      maxDeliver: 4,
      retryBaseMs: 200,
      handler: async (m) => {
        order.push(m.id);
        if (m.id === poison.id) throw new Error("poison");
      },
    });
    await bus.publish(topics.alerts, poison);
    for (const g of goods) await bus.publish(topics.alerts, g);
    await waitFor(async () => (await deadLetters(bus, "t-poison")).length === 1, { timeoutMs: 10_000 });
    for (const g of goods) assert.ok(order.includes(g.id), `${g.id} handled`);
    const lastGood = Math.max(...goods.map((g) => order.indexOf(g.id)));
    const poisonAttempts = order.map((id, i) => (id === poison.id ? i : -1)).filter((i) => i >= 0);
    assert.equal(poisonAttempts.length, 4);
    assert.ok(lastGood < (poisonAttempts.at(-1) ?? 0), "all good messages done before the poison gave up");
    await runner.stop();
  });

  it("keeps a long handler's message with working() beyond ack_wait", async () => {
    const alert = freshAlert();
    const deliveries: number[] = [];
    let finished = false;
    const runner = await bus.consume({
      topic: topics.alerts,
      durable: "t-working",
      deliverPolicy: "new",
      ackWaitMs: 1000,
      handler: async (m, ctx) => {
        if (m.id !== alert.id) return;
        deliveries.push(ctx.deliveryCount);
        await sleep(2800); // the work under test: almost three ack_waits long
        finished = true;
      },
    });
    await bus.publish(topics.alerts, alert);
    await waitFor(() => deliveries.length === 1, { timeoutMs: 3000 });
    await waitFor(() => finished, { timeoutMs: 6000, message: "the long handler finished" });
    assert.deepEqual(deliveries, [1], "never redelivered while the handler was working");
    await runner.stop();
  });
});

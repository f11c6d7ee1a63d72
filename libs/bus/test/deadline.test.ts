import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { streams, topics } from "@vigil/contracts";
import { makeAlert, type NatsServerHandle, startNats, waitFor } from "@vigil/testing";
import { Registry } from "prom-client";
import { type Bus, HandlerTimeoutError } from "../src/index.js";
import { capturingLog, connectBus, deadLetters, metricValue } from "./fixtures.js";

describe("bus: a handler deadline per consumer", () => {
  let nats: NatsServerHandle;
  let bus: Bus;
  const registry = new Registry();
  const { log, lines } = capturingLog();
  const never = new Promise<void>(() => {}); // a handler that hangs for good

  before(async () => {
    nats = await startNats();
    bus = await connectBus(nats.url, registry, { log });
    await bus.provision([streams.alerts, streams.deadLetters]);
  });
  after(async () => {
    await bus?.drain(2000);
    await nats?.stop();
  });

  it("aborts a hung handler at its deadline, naks its message, and frees its slot for the next one", async () => {
    const hung = makeAlert(400);
    const next = makeAlert(401);
    const calls: Array<{ id: string; delivery: number; signal: AbortSignal }> = [];
    const runner = await bus.consume({
      topic: topics.alerts,
      durable: "t-deadline",
      concurrency: 1,
      handlerTimeoutMs: 300,
      ackWaitMs: 1000,
      retryBaseMs: 100,
      handler: async (m, ctx) => {
        calls.push({ id: m.id, delivery: ctx.deliveryCount, signal: ctx.signal });
        if (m.id === hung.id && ctx.deliveryCount === 1) await never;
      },
    });
    await bus.publish(topics.alerts, hung);
    await bus.publish(topics.alerts, next);

    await waitFor(() => calls.some((c) => c.id === next.id), {
      timeoutMs: 5000,
      message: "the next message gets the only slot although the first handler never settles",
    });
    const first = calls[0]!;
    assert.equal(first.id, hung.id);
    assert.ok(first.signal.aborted, "the hung handler's signal is aborted");
    assert.ok(first.signal.reason instanceof HandlerTimeoutError, "with the deadline as the reason");
    await waitFor(() => calls.some((c) => c.id === hung.id && c.delivery === 2), {
      timeoutMs: 5000,
      message: "the hung message is redelivered after a nak",
    });

    const line = lines.find((l) => /handler deadline passed/.test(String(l.msg)));
    assert.ok(line, "a log line says so");
    assert.equal(line.consumer, "t-deadline");
    assert.equal(line.msgId, hung.id);
    assert.ok(Number(line.elapsedMs) >= 300, `elapsed time logged (${String(line.elapsedMs)})`);
    assert.equal(await metricValue(registry, "vigil_bus_handler_timeouts_total", { consumer: "t-deadline" }), 1);
    assert.equal(await metricValue(registry, "vigil_bus_abandoned_handlers", { consumer: "t-deadline" }), 1, "still running, counted");
    await runner.stop(1000);
  });

  it("dead-letters a message whose handler hangs on its last delivery", async () => {
    const alert = makeAlert(410);
    let calls = 0;
    const runner = await bus.consume({
      topic: topics.alerts,
      durable: "t-deadline-dlq",
      maxDeliver: 2,
      handlerTimeoutMs: 200,
      retryBaseMs: 50,
      handler: async () => {
        calls++;
        await never;
      },
    });
    await bus.publish(topics.alerts, alert);
    const [dl] = await waitFor(
      async () => {
        const found = await deadLetters(bus, "t-deadline-dlq");
        return found.length === 1 ? found : undefined;
      },
      { timeoutMs: 5000, message: "dead-lettered" },
    );
    assert.equal(dl!.reason, "max_deliveries");
    assert.match(dl!.error, /still running after \d+ms/);
    assert.equal(dl!.deliveryCount, 2);
    assert.equal(calls, 2);
    await runner.stop(1000);
  });

  it("refuses a deadline a timer cannot hold", async () => {
    await assert.rejects(
      bus.consume({ topic: topics.alerts, durable: "t-deadline-bad", handlerTimeoutMs: 30 * 24 * 3600_000, handler: async () => {} }),
      /handlerTimeoutMs must be between 1 and 2147483647 ms/,
    );
    await assert.rejects(
      bus.consume({ topic: topics.alerts, durable: "t-deadline-bad", handlerTimeoutMs: 0, handler: async () => {} }),
      /handlerTimeoutMs/,
    );
  });
});

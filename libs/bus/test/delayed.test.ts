import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { delayedTask, streams } from "@vigil/contracts";
import { type NatsServerHandle, startNats, waitFor } from "@vigil/testing";
import { Registry } from "prom-client";
import { z } from "zod";
import { type Bus, InvalidMessageError } from "../src/index.js";
import { connectBus, deadLetters, metricValue } from "./fixtures.js";

const assess = delayedTask("t_assess", z.object({ executionId: z.string().min(1), n: z.number().int() }), "assess an execution later");

describe("bus: delayed work", () => {
  let nats: NatsServerHandle;
  let bus: Bus;
  const registry = new Registry();

  /** True once the durable holds nothing: every task it was given is acknowledged (so none can run again). */
  const drained = (b: Bus, durable: string) => async () => {
    const info = await b.jsm.consumers.info(streams.delayed.name, durable);
    return info.num_pending === 0 && info.num_ack_pending === 0;
  };

  before(async () => {
    nats = await startNats();
    bus = await connectBus(nats.url, registry);
    await bus.provision([streams.delayed, streams.deadLetters]);
  });
  after(async () => {
    await bus?.drain(2000);
    await nats?.stop();
  });

  it("runs a task once, after its due time, across a restart of the service and of NATS", async (t) => {
    if (!nats.controllable) return t.skip("needs a nats-server the harness can restart");
    const runs: Array<{ id: string; at: number; attempt: number; n: number }> = [];
    const handler = async (p: { n: number }, ctx: { taskId: string; attempt: number }) =>
      void runs.push({ id: ctx.taskId, at: Date.now(), attempt: ctx.attempt, n: p.n });
    const reg1 = new Registry();
    const service1 = await connectBus(nats.url, reg1);
    await service1.delayed(assess).consume({ durable: "t-delayed-restart", handler, maxDeferMs: 300 });
    const task = await service1.delayed(assess).schedule({ executionId: "exec-1", n: 1 }, { delayMs: 2000, id: "exec-1-assess" });
    assert.equal(
      (await service1.delayed(assess).schedule({ executionId: "exec-1", n: 1 }, { delayMs: 2000, id: "exec-1-assess" })).duplicate,
      true,
      "same id: stored once",
    );
    await waitFor(async () => (await metricValue(reg1, "vigil_bus_delayed_deferred_total", { consumer: "t-delayed-restart" })) >= 1, {
      message: "deferred at least once",
    });

    await service1.drain(2000); // the service goes away while the task waits...
    await nats.restart(); // ...and NATS restarts with its store
    const service2 = await connectBus(nats.url);
    await service2.delayed(assess).consume({ durable: "t-delayed-restart", handler, maxDeferMs: 300 });

    await waitFor(() => runs.length > 0, { timeoutMs: 10_000, message: "the task runs" });
    await waitFor(drained(service2, "t-delayed-restart"), { timeoutMs: 5000, message: "nothing left to deliver" });
    assert.equal(runs.length, 1, "exactly once");
    assert.deepEqual({ id: runs[0]!.id, attempt: runs[0]!.attempt, n: runs[0]!.n }, { id: "exec-1-assess", attempt: 1, n: 1 });
    assert.ok(runs[0]!.at >= task.dueAt.getTime(), `ran ${runs[0]!.at - task.dueAt.getTime()} ms after its due time, not before`);
    await service2.drain(2000);
  });

  it("counts attempts in the task: fails twice then succeeds in 3 runs, with many more deliveries than maxAttempts", async () => {
    const attempts: number[] = [];
    const queue = bus.delayed(assess);
    const consumer = await queue.consume({
      durable: "t-delayed-retry",
      maxAttempts: 3,
      retryBaseMs: 600,
      maxDeferMs: 100, // each retry waits ~600-1200 ms in deferrals of 100 ms: many server deliveries
      handler: async (p, ctx) => {
        if (p.executionId !== "exec-2") return;
        attempts.push(ctx.attempt);
        if (ctx.attempt < 3) throw new Error(`not ready (attempt ${ctx.attempt})`);
      },
    });
    await queue.schedule({ executionId: "exec-2", n: 2 });
    await waitFor(() => attempts.length === 3, { timeoutMs: 10_000, message: "3 runs" });
    await waitFor(drained(bus, "t-delayed-retry"), { timeoutMs: 5000 });
    assert.deepEqual(attempts, [1, 2, 3]);
    const deferred = await metricValue(registry, "vigil_bus_delayed_deferred_total", { consumer: "t-delayed-retry" });
    assert.ok(deferred >= 4, `deferrals (${deferred}) did not count as attempts`);
    assert.equal((await deadLetters(bus, "t-delayed-retry")).length, 0, "not dead-lettered");

    await queue.schedule({ executionId: "exec-3", n: 3 }, { id: "always-fails" });
    await consumer.stop(1000);
    const failing = await queue.consume({
      durable: "t-delayed-dlq",
      maxAttempts: 3,
      retryBaseMs: 50,
      handler: async (p) => {
        if (p.executionId === "exec-3") throw new Error("target gone");
      },
    });
    const [dl] = await waitFor(
      async () => {
        const found = await deadLetters(bus, "t-delayed-dlq");
        return found.length === 1 ? found : undefined;
      },
      { timeoutMs: 10_000, message: "dead-lettered after its attempts" },
    );
    assert.equal(dl!.reason, "max_deliveries");
    assert.equal(dl!.deliveryCount, 3);
    assert.equal(dl!.error, "target gone");
    assert.deepEqual(JSON.parse(dl!.payload), { executionId: "exec-3", n: 3 });
    await failing.stop(1000);
  });

  it("keeps waiting tasks out of the handler slots: a concurrency-1 consumer runs a due task behind 200 waiting ones", async () => {
    const queue = bus.delayed(assess);
    for (let i = 0; i < 200; i++) await queue.schedule({ executionId: `later-${i}`, n: i }, { delayMs: 60_000 });
    const due = await queue.schedule({ executionId: "now", n: -1 });
    const ran: string[] = [];
    const started = Date.now();
    const consumer = await queue.consume({
      durable: "t-delayed-slots",
      concurrency: 1,
      handler: async (p) => void ran.push(p.executionId),
    });
    await waitFor(() => ran.includes("now"), { timeoutMs: 5000, message: "the due task runs" });
    assert.ok(Date.now() - started < 5000);
    assert.deepEqual(
      ran.filter((id) => id.startsWith("later-") || id === "now"),
      ["now"],
      "no waiting task ran",
    );
    const info = await bus.jsm.consumers.info(streams.delayed.name, "t-delayed-slots");
    assert.ok(info.num_ack_pending >= 200, `the server holds the waiting tasks (${info.num_ack_pending} pending acks)`);
    assert.ok(due.dueAt.getTime() <= Date.now());
    await consumer.stop(1000);
  });

  it("refuses a payload that does not match the task's schema", async () => {
    await assert.rejects(bus.delayed(assess).schedule({ executionId: "", n: 1.5 }), (err: Error) => {
      assert.ok(err instanceof InvalidMessageError);
      assert.match(err.message, /executionId/);
      assert.match(err.message, /\bn\b/);
      return true;
    });
  });
});

import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { streams, topics } from "@vigil/contracts";
import { makeAlert, type NatsServerHandle, startNats, waitFor } from "@vigil/testing";
import type { Bus } from "../src/index.js";
import { capturingLog, connectBus, deadLetters } from "./fixtures.js";

describe("bus: handlers that throw something other than an Error", () => {
  let nats: NatsServerHandle;
  let bus: Bus;
  const { log, lines } = capturingLog();
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => void unhandled.push(reason);

  before(async () => {
    process.on("unhandledRejection", onUnhandled);
    nats = await startNats();
    bus = await connectBus(nats.url, undefined, { log });
    await bus.provision([streams.alerts, streams.deadLetters]);
  });
  after(async () => {
    process.off("unhandledRejection", onUnhandled);
    await bus?.drain(2000);
    await nats?.stop();
  });

  it("naks null, a string and a plain object, honours a retryAfterMs hint, and crashes nothing", async () => {
    const thrown: Record<string, unknown> = { null: null, undefined: undefined, string: "x", hint: { retryAfterMs: 5 } };
    const alerts = Object.keys(thrown).map((kind, i) => ({ kind, alert: makeAlert(500 + i) }));
    const deliveries = new Map<string, number[]>();
    const runner = await bus.consume({
      topic: topics.alerts,
      durable: "t-throws",
      // A long default back-off: only the hinted delay can bring that message back within the wait below.
      retryBaseMs: 60_000,
      handler: async (m, ctx) => {
        const entry = alerts.find((a) => a.alert.id === m.id)!;
        const at = deliveries.get(entry.kind) ?? [];
        at.push(Date.now());
        deliveries.set(entry.kind, at);
        if (ctx.deliveryCount === 1) throw thrown[entry.kind];
      },
    });
    for (const { alert } of alerts) await bus.publish(topics.alerts, alert);

    await waitFor(() => deliveries.get("hint")?.length === 2, { timeoutMs: 3000, message: "the hinted retry comes back at once" });
    await waitFor(() => lines.filter((l) => /handler failed; will retry/.test(String(l.msg))).length === 4, {
      message: "each throw is nak'd",
    });
    for (const kind of ["null", "undefined", "string"]) assert.equal(deliveries.get(kind)?.length, 1, `${kind}: waits for its back-off`);
    const messages = lines.filter((l) => /will retry/.test(String(l.msg))).map((l) => String(l.error));
    assert.ok(messages.includes("non-Error thrown: null"));
    assert.ok(messages.includes("non-Error thrown: undefined"));
    assert.ok(messages.includes("non-Error thrown: x"));
    assert.ok(messages.includes('non-Error thrown: {"retryAfterMs":5}'));
    assert.ok(!lines.some((l) => /TypeError/.test(JSON.stringify(l))), "no TypeError anywhere");
    assert.deepEqual(unhandled, [], "no unhandled rejection");
    assert.equal((await deadLetters(bus, "t-throws")).length, 0);
    await runner.stop(1000);
  });
});

import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { DeliverPolicy } from "@nats-io/jetstream";
import { streams, subjects, topics } from "@vigil/contracts";
import { makeAlert, type NatsServerHandle, startNats, waitFor } from "@vigil/testing";
import type { Bus, ConsumerSpec } from "../src/index.js";
import { connectBus } from "./fixtures.js";

type AlertsSpec = ConsumerSpec<typeof topics.alerts>;

describe("bus: where a durable starts", () => {
  let nats: NatsServerHandle;
  let bus: Bus;
  // Each test owns a slice of the stream (its own subject), published before the durable exists.
  let n = 0;
  const history: string[] = [];

  /** Consumes the resolved-alerts subject into a list. */
  async function consume(durable: string, extra: Partial<AlertsSpec> = {}) {
    const seen: string[] = [];
    const runner = await bus.consume({
      topic: topics.alerts,
      durable,
      filterSubject: subjects.alertsResolved,
      handler: async (m) => void seen.push(m.id),
      ...extra,
    });
    return { runner, seen };
  }
  async function publish(): Promise<string> {
    const alert = makeAlert(600 + n++, { status: "resolved" });
    await bus.publish(topics.alerts, alert);
    return alert.id;
  }

  before(async () => {
    nats = await startNats();
    bus = await connectBus(nats.url);
    await bus.provision([streams.alerts, streams.deadLetters]);
    for (let i = 0; i < 3; i++) {
      history.push(await publish());
      // A start time has millisecond precision here: each history message gets a millisecond of its own,
      // or "from the second message's time" could include the first.
      const storedBy = Date.now();
      await waitFor(() => Date.now() > storedBy, { intervalMs: 1 });
    }
  });
  after(async () => {
    await bus?.drain(2000);
    await nats?.stop();
  });

  it("starts a new durable from now by default: no replay of history", async () => {
    const { runner, seen } = await consume("t-start-default");
    const fresh = await publish();
    await waitFor(() => seen.includes(fresh));
    assert.deepEqual(seen, [fresh], "only what was published after it was created");
    assert.equal((await bus.jsm.consumers.info(streams.alerts.name, "t-start-default")).config.deliver_policy, DeliverPolicy.New);
    await runner.stop();
  });

  it("replays history when asked to, from the start or from a time", async () => {
    const all = await consume("t-start-all", { deliverPolicy: "all" });
    await waitFor(() => history.every((id) => all.seen.includes(id)), { message: "all history" });
    await all.runner.stop();

    const secondAt = (await bus.jsm.streams.getMessage(streams.alerts.name, { seq: 2 }))!.time;
    const since = await consume("t-start-time", { deliverPolicy: { startTime: secondAt } });
    await waitFor(() => since.seen.length >= history.length - 1 + (n - history.length), { message: "history from the second message on" });
    assert.equal(since.seen.length, history.length - 1 + (n - history.length));
    assert.ok(!since.seen.includes(history[0]!), "nothing before the start time");
    assert.ok(since.seen.includes(history[1]!) && since.seen.includes(history[2]!));
    await since.runner.stop();
  });

  it("resumes an existing durable where it was, whatever start position it is given now", async () => {
    const first = await consume("t-start-resume");
    const handled = await publish();
    await waitFor(() => first.seen.includes(handled));
    await first.runner.stop();
    const whileStopped = [await publish(), await publish()];

    const again = await consume("t-start-resume", { deliverPolicy: "all" });
    await waitFor(() => whileStopped.every((id) => again.seen.includes(id)), { message: "what was published while it was stopped" });
    assert.deepEqual(again.seen.sort(), whileStopped.sort(), "neither history nor what it had acknowledged");
    assert.equal(
      (await bus.jsm.consumers.info(streams.alerts.name, "t-start-resume")).config.deliver_policy,
      DeliverPolicy.New,
      "start position unchanged",
    );
    await again.runner.stop();
  });
});

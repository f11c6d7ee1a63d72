// Every contract through a real JetStream: each topic's sample is published with the bus, read back
// through a durable consumer, validated on both sides, and arrives exactly as it was sent.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type Topic, type TopicKey, topics } from "@vigil/contracts";
import { type NatsServerHandle, startNats, waitFor } from "@vigil/testing";
import { samples } from "@vigil/contracts/testing";
import type { Bus } from "../src/index.js";
import { connectBus } from "./fixtures.js";

const entries = Object.entries(topics) as Array<[TopicKey, Topic]>;

describe("contracts round trip through JetStream", () => {
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

  it("publishes every topic's sample and consumes it unchanged, on the subject it derives", async () => {
    const received = new Map<TopicKey, { message: unknown; subject: string }>();
    for (const [key, topic] of entries) {
      await bus.consume({
        topic,
        durable: `roundtrip-${key}`,
        deliverPolicy: "all",
        handler: async (message, ctx) => void received.set(key, { message, subject: ctx.subject }),
      });
    }
    for (const [key, topic] of entries) {
      const ack = await bus.publish(topic, samples[key].message);
      assert.equal(ack.stream, topic.stream.name, key);
    }
    await waitFor(() => received.size === entries.length, { timeoutMs: 10_000, message: "every topic consumed" });
    for (const [key, topic] of entries) {
      const got = received.get(key)!;
      assert.equal(got.subject, samples[key].subject, key);
      assert.deepEqual(got.message, topic.schema.parse(samples[key].message), key);
      assert.deepEqual(got.message, samples[key].message, key);
    }
  });
});

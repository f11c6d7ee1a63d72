import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Bus } from "@vigil/bus";
import { type NatsServerHandle, startNats, waitFor } from "@vigil/testing";
import { pino } from "pino";
import { allStreams, type Topic, type TopicKey, topics, subjectToken, subjects } from "../src/index.js";
import { samples } from "./samples.js";

const entries = Object.entries(topics) as Array<[TopicKey, Topic]>;

describe("contracts: schemas, subjects and streams", () => {
  it("every sample survives a JSON round trip through its schema unchanged", () => {
    for (const [key, topic] of entries) {
      const { message } = samples[key];
      const parsed = topic.schema.parse(JSON.parse(JSON.stringify(message)));
      assert.deepEqual(parsed, message, key);
    }
  });

  it("every message needs an id and a correlation id", () => {
    for (const [key, topic] of entries) {
      const { id: _id, ...noId } = samples[key].message as Record<string, unknown>;
      const { correlationId: _c, ...noCorrelation } = samples[key].message as Record<string, unknown>;
      assert.equal(topic.schema.safeParse(noId).success, false, `${key} without id`);
      assert.equal(topic.schema.safeParse(noCorrelation).success, false, `${key} without correlationId`);
    }
  });

  it("derives each subject from the message, inside the topic's filter and its stream", () => {
    for (const [key, topic] of entries) {
      const subject = topic.subjectOf(topic.schema.parse(samples[key].message));
      assert.equal(subject, samples[key].subject, key);
      const matches = (pattern: string) => {
        const p = pattern.split(".");
        const s = subject.split(".");
        return p.every((tok, i) => tok === ">" || tok === "*" || tok === s[i]) && (p.at(-1) === ">" ? s.length >= p.length : s.length === p.length);
      };
      assert.ok(matches(topic.filter), `${subject} matches ${topic.filter}`);
      assert.ok(topic.stream.subjects.some(matches), `${subject} is captured by ${topic.stream.name}`);
    }
  });

  it("makes node names safe subject tokens without collisions", () => {
    assert.equal(subjectToken("ip-10-0-0-1.ec2.internal"), "ip-10-0-0-1_ec2_internal");
    assert.equal(subjects.kernelEvent("a.b", "oom_kill"), "vigil.events.kernel.a_b.oom_kill");
    assert.throws(() => subjectToken(""));
  });

  it("stream definitions do not overlap and keep dedupe within retention", () => {
    const all = allStreams.flatMap((s) => s.subjects);
    assert.equal(new Set(all).size, all.length);
    for (const s of allStreams) assert.ok(s.duplicateWindowMs <= s.maxAgeMs, s.name);
  });
});

describe("contracts: every message type through a real JetStream", () => {
  let nats: NatsServerHandle;
  let bus: Bus;
  before(async () => {
    nats = await startNats();
    bus = await Bus.connect({ servers: nats.url, name: "contracts-test", log: pino({ level: "silent" }) });
    await bus.provision();
  });
  after(async () => {
    await bus?.drain(2000);
    await nats?.stop();
  });

  it("publishes and consumes each topic, validated on both sides", async () => {
    const received = new Map<string, unknown>();
    for (const [key, topic] of entries) {
      await bus.consume({ topic, durable: `rt-${key}`, handler: async (m) => void received.set(key, m) });
      const ack = await bus.publish(topic, samples[key].message as never);
      assert.equal(ack.stream, topic.stream.name, key);
    }
    await waitFor(() => received.size === entries.length, { timeoutMs: 10_000, message: "all topics consumed" });
    for (const [key] of entries) assert.deepEqual(received.get(key), samples[key].message, key);
  });
});

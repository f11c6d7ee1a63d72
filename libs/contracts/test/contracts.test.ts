import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  allStreams,
  type KvBucketDefinition,
  kvBuckets,
  resourceKey,
  subjects,
  subjectToken,
  type Topic,
  type TopicKey,
  topics,
} from "../src/index.js";
import { variants, kvSamples, samples } from "@vigil/contracts/testing";
import { issuePaths } from "./helpers.js";

const entries = Object.entries(topics) as Array<[TopicKey, Topic]>;

describe("contracts: schemas, subjects and streams", () => {
  it("every sample survives a JSON round trip through its schema unchanged", () => {
    for (const [key, topic] of entries) {
      const { message } = samples[key];
      const parsed = topic.schema.parse(JSON.parse(JSON.stringify(message)));
      assert.deepEqual(parsed, message, key);
    }
  });

  it("the other shapes of pipeline messages parse too", () => {
    assert.equal(topics.actionsProposed.schema.parse(variants.noAction).kind, "no_action");
    assert.equal(topics.actionsProposed.schema.parse(variants.escalate).kind, "escalate");
    assert.equal(topics.actionsExecuted.schema.parse(variants.rejected).status, "rejected");
    assert.equal(topics.incidents.subjectOf(topics.incidents.schema.parse(variants.incidentResolved)), "vigil.incidents.resolved");
    assert.equal(topics.effectiveness.schema.parse(variants.notApplicable).score, null);
  });

  it("every message needs an id and a correlation id", () => {
    for (const [key, topic] of entries) {
      const { id: _id, ...noId } = samples[key].message as Record<string, unknown>;
      const { correlationId: _c, ...noCorrelation } = samples[key].message as Record<string, unknown>;
      assert.deepEqual(issuePaths(topic.schema, noId), ["id"], `${key} without id`);
      assert.deepEqual(issuePaths(topic.schema, noCorrelation), ["correlationId"], `${key} without correlationId`);
    }
  });

  it("derives each subject from the message, inside the topic's filter and its stream", () => {
    for (const [key, topic] of entries) {
      const subject = topic.subjectOf(topic.schema.parse(samples[key].message));
      assert.equal(subject, samples[key].subject, key);
      const matches = (pattern: string) => {
        const p = pattern.split(".");
        const s = subject.split(".");
        return (
          p.every((tok, i) => tok === ">" || tok === "*" || tok === s[i]) &&
          (p.at(-1) === ">" ? s.length >= p.length : s.length === p.length)
        );
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
    assert.ok(allStreams.some((s) => s.name === "VIGIL_INCIDENTS" && s.subjects.includes("vigil.incidents.>")));
  });
});

describe("contracts: KV buckets", () => {
  const buckets = Object.entries(kvBuckets) as Array<[keyof typeof kvBuckets, KvBucketDefinition]>;

  it("every bucket has a sample value that parses unchanged, and a distinct name", () => {
    for (const [key, bucket] of buckets)
      assert.deepEqual(bucket.value.parse(JSON.parse(JSON.stringify(kvSamples[key]))), kvSamples[key], key);
    assert.equal(new Set(buckets.map(([, b]) => b.name)).size, buckets.length);
    for (const [, b] of buckets) assert.match(b.name, /^[a-z_]+$/);
  });

  it("builds keys that are valid NATS KV keys, one token per part, without collisions", () => {
    const owner = resourceKey({ kind: "Deployment", name: "cart", namespace: "shop" });
    assert.equal(owner, "Deployment/shop/cart");
    assert.equal(resourceKey({ kind: "Node", name: "ip-10-0-0-1.ec2.internal" }), "Node/ip-10-0-0-1.ec2.internal");
    const keys = [
      kvBuckets.cooldowns.key("restart_pod", resourceKey({ kind: "Pod", name: "cart-1", namespace: "shop" })),
      kvBuckets.effectiveness.key("alertname", "KubePodCrashLooping", "restart_pod"),
      kvBuckets.effectiveness.key("owner", owner, "restart_pod"),
      kvBuckets.autonomy.key("increase_resources", "KubePodCrashLooping", "production"),
      kvBuckets.incidents.key("id", "inc_shop_cart_1"),
      kvBuckets.incidents.key("owner", resourceKey({ kind: "Node", name: "ip-10-0-0-1.ec2.internal" })),
      kvBuckets.executorControl.key("pause"),
    ];
    for (const k of keys) assert.match(k, /^[-/_=.a-zA-Z0-9]+$/, k);
    assert.equal(keys[2], "owner.Deployment/shop/cart.restart_5fpod", "`_` is kvToken's escape character, so it is escaped too");
    assert.equal(keys[5], "owner.Node/ip-10-0-0-1_2eec2_2einternal", "dots inside a part cannot add key segments");
    // An alertname and an owner with the same text never share a key.
    assert.notEqual(kvBuckets.effectiveness.key("alertname", "x", "restart_pod"), kvBuckets.effectiveness.key("owner", "x", "restart_pod"));
  });

  it("values are checked, not just typed", () => {
    assert.deepEqual(issuePaths(kvBuckets.cooldowns.value, { ...kvSamples.cooldowns, until: "2026-11-22T04:00:00.000Z" }), ["until"]);
    assert.deepEqual(issuePaths(kvBuckets.cooldowns.value, { ...kvSamples.cooldowns, action: "reboot_cluster" }), ["action"]);
    assert.deepEqual(issuePaths(kvBuckets.effectiveness.value, { ...kvSamples.effectiveness, scored: 0 }), ["meanScore"]);
    assert.deepEqual(issuePaths(kvBuckets.effectiveness.value, { ...kvSamples.effectiveness, scored: 4 }), ["scored"]);
    assert.deepEqual(issuePaths(kvBuckets.autonomy.value, { ...kvSamples.autonomy, state: "trusted" }), ["state"]);
    assert.deepEqual(issuePaths(kvBuckets.incidents.value, { ...kvSamples.incidents, status: "resolved" }), ["resolvedAt"]);
    assert.deepEqual(issuePaths(kvBuckets.executorControl.value, { ...kvSamples.executorControl, paused: "yes" }), ["paused"]);
  });
});

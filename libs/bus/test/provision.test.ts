import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { kvBuckets, streams } from "@vigil/contracts";
import { type NatsServerHandle, startNats } from "@vigil/testing";
import { type Bus, ensureConsumer, KvKeyExistsError } from "../src/index.js";
import { parseServers } from "../src/servers.js";
import { connectBus, silentLog } from "./fixtures.js";

describe("bus: consumers, key-value buckets and server addresses", () => {
  let nats: NatsServerHandle;
  let bus: Bus;

  before(async () => {
    nats = await startNats();
    bus = await connectBus(nats.url);
    await bus.provision([streams.alerts]);
  });
  after(async () => {
    await bus?.drain(2000);
    await nats?.stop();
  });

  it("creates a durable consumer once and updates it when its definition changes", async () => {
    const def = {
      stream: streams.alerts.name,
      durable: "prov",
      filterSubject: "vigil.alerts.*",
      ackWaitMs: 30_000,
      maxAckPending: 64,
      deliverPolicy: "all" as const,
    };
    await ensureConsumer(bus.jsm, def, silentLog);
    await ensureConsumer(bus.jsm, def, silentLog);
    let info = await bus.jsm.consumers.info(streams.alerts.name, "prov");
    assert.equal(info.config.ack_wait, 30_000 * 1_000_000);
    assert.equal(info.config.max_deliver, -1, "the runner dead-letters; the server never drops");
    await ensureConsumer(bus.jsm, { ...def, ackWaitMs: 90_000, maxAckPending: 128 }, silentLog);
    info = await bus.jsm.consumers.info(streams.alerts.name, "prov");
    assert.equal(info.config.ack_wait, 90_000 * 1_000_000);
    assert.equal(info.config.max_ack_pending, 128);
    await assert.rejects(
      ensureConsumer(bus.jsm, { ...def, filterSubject: "vigil.alerts.firing" }, silentLog),
      /cannot change those in place.*nats consumer rm/,
    );
  });

  it("opens a key-value bucket, creating it on first use, and keeps its data", async () => {
    const kv = await bus.kv(kvBuckets.leases);
    const key = kv.key("executor", "shop", "cart");
    const lease = {
      owner: "executor/1",
      token: "t1",
      acquiredAt: "2026-11-22T05:00:00.000Z",
      renewedAt: "2026-11-22T05:00:00.000Z",
      expiresAt: "2026-11-22T05:01:00.000Z",
      purpose: "restart",
    };
    const rev = await kv.create(key, lease);
    await assert.rejects(kv.create(key, { ...lease, token: "t2" }), KvKeyExistsError, "create is compare-and-set");
    const again = await connectBus(nats.url);
    const entry = await (await again.kv(kvBuckets.leases)).get(key);
    assert.deepEqual(entry, { value: lease, revision: rev });
    const status = await (await again.kv(kvBuckets.leases)).raw.status();
    assert.equal(status.ttl, kvBuckets.leases.ttlMs);
    await again.drain(2000);
  });

  it("takes credentials from the server URL, which the v3 client would ignore", () => {
    assert.deepEqual(parseServers("nats://vigil:p%40ss@nats-0:4222, nats://vigil:p%40ss@nats-1:4222"), {
      servers: ["nats://nats-0:4222", "nats://nats-1:4222"],
      auth: { user: "vigil", pass: "p@ss" },
    });
    assert.deepEqual(parseServers("tls://s3cr3t@nats:4222"), { servers: ["tls://nats:4222"], auth: { token: "s3cr3t" } });
    assert.deepEqual(parseServers(["127.0.0.1:4222"]), { servers: ["nats://127.0.0.1:4222"], auth: {} });
  });
});

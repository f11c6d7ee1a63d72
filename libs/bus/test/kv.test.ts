import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type KvBucketDefinition, kvToken } from "@vigil/contracts";
import { type NatsServerHandle, startNats } from "@vigil/testing";
import { z } from "zod";
import {
  type Bus,
  KvBucketError,
  KvCorruptValueError,
  KvInvalidValueError,
  KvKeyExistsError,
  KvRevisionMismatchError,
} from "../src/index.js";
import { capturingLog, connectBus } from "./fixtures.js";

const counters = {
  name: "t_counters",
  description: "test counters",
  history: 1,
  ttlMs: 0,
  value: z.object({ count: z.number().int().nonnegative(), by: z.string().min(1) }),
  key: (scope: string, name: string) => `${kvToken(scope)}.${kvToken(name)}`,
} as const satisfies KvBucketDefinition<z.ZodType, readonly [string, string]>;

describe("bus: typed key-value buckets", () => {
  let nats: NatsServerHandle;
  let bus: Bus;
  let other: Bus;

  before(async () => {
    nats = await startNats();
    bus = await connectBus(nats.url);
    other = await connectBus(nats.url);
  });
  after(async () => {
    await bus?.drain(2000);
    await other?.drain(2000);
    await nats?.stop();
  });

  it("stores values checked against the bucket's schema, with compare-and-set create, update and delete", async () => {
    const kv = await bus.kv(counters);
    const key = kv.key("shop", "web 1"); // escaped by the definition's builder
    assert.equal(key, "shop.web_201");
    assert.equal(await kv.get(key), undefined);

    const rev1 = await kv.create(key, { count: 1, by: "a" });
    assert.deepEqual(await kv.get(key), { value: { count: 1, by: "a" }, revision: rev1 });
    await assert.rejects(kv.create(key, { count: 9, by: "b" }), (err) => err instanceof KvKeyExistsError && err.key === key);

    const rev2 = await kv.update(key, { count: 2, by: "a" }, rev1);
    await assert.rejects(
      kv.update(key, { count: 3, by: "b" }, rev1),
      (err) => err instanceof KvRevisionMismatchError && err.expectedRevision === rev1,
    );
    await assert.rejects(kv.delete(key, { revision: rev1 }), KvRevisionMismatchError);
    assert.deepEqual(await kv.keys(), [key]);

    await kv.delete(key, { revision: rev2 });
    assert.equal(await kv.get(key), undefined, "deleted reads as absent");
    assert.deepEqual(await kv.keys(), []);
    await kv.create(key, { count: 0, by: "c" }); // a deleted key can be created again
    await kv.put(key, { count: 5, by: "d" });
    assert.equal((await kv.get(key))?.value.count, 5);
  });

  it("refuses to write an invalid value and reports a corrupt stored one clearly", async () => {
    const kv = await bus.kv(counters);
    await assert.rejects(kv.put("x.y", { count: -1, by: "" }), (err: Error) => {
      assert.ok(err instanceof KvInvalidValueError);
      assert.match(err.message, /t_counters\/x\.y.*count.*by/);
      return true;
    });
    await kv.raw.put("x.garbage", "{not json");
    await kv.raw.put("x.wrong", JSON.stringify({ count: "many" }));
    await assert.rejects(
      kv.get("x.garbage"),
      (err) => err instanceof KvCorruptValueError && /not JSON/.test(err.message) && err.raw === "{not json",
    );
    await assert.rejects(kv.get("x.wrong"), (err: Error) => {
      assert.ok(err instanceof KvCorruptValueError, `a KvCorruptValueError, not ${err.name}`);
      assert.match(err.message, /t_counters\/x\.wrong .*count.*nats kv del t_counters x\.wrong/);
      return true;
    });
  });

  it("modify: read, apply, compare-and-set, retry on conflict; concurrent writers lose no update", async () => {
    const [a, b] = [await bus.kv(counters), await other.kv(counters)];
    const key = a.key("race", "total");
    const bump = (kv: typeof a, by: string) => kv.modify(key, (cur) => ({ count: (cur?.count ?? 0) + 1, by }), { retries: 50 });
    await Promise.all(Array.from({ length: 30 }, () => [bump(a, "a"), bump(b, "b")]).flat());
    assert.equal((await a.get(key))?.value.count, 60, "60 increments from two connections at once, none lost");

    const before = await a.get(key);
    const unchanged = await a.modify(key, () => undefined);
    assert.deepEqual(unchanged, before, "returning undefined writes nothing");
  });

  it("tells an existing bucket apart from real failures when opening one", async () => {
    const { log, lines } = capturingLog();
    const tuned = await connectBus(nats.url, undefined, { log });
    await tuned.jsm.streams.update("KV_t_counters", { max_age: 3_600_000 * 1_000_000 });
    const kv = await tuned.kv(counters);
    assert.equal((await kv.get(kv.key("shop", "web 1")))?.value.count, 5, "opened as it is, data kept");
    const warn = lines.find((l) => /exists with another configuration/.test(String(l.msg)));
    assert.ok(warn, "a different configuration is logged");
    assert.deepEqual(warn.differs, { ttlMs: { have: 3_600_000, want: 0 } });

    await tuned.jsm.streams.add({ name: "KV_t_impostor", subjects: ["impostor.>"] });
    const impostor = { ...counters, name: "t_impostor" };
    await assert.rejects(tuned.kv(impostor), (err: Error) => {
      assert.ok(err instanceof KvBucketError);
      assert.match(err.message, /stream KV_t_impostor exists but is not the key-value bucket t_impostor/);
      return true;
    });
    await tuned.drain(2000);
  });
});

// POST /events against a real nats-server: Konverse shapes, strict validation with clear errors, batches
// (arrays and NDJSON) with bad events reported by index, size limits, auth, and retries stored once.
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import type { JetStreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import { errorEnvelope, streams } from "@vigil/contracts";
import { type NatsServerHandle, startNats, waitFor } from "@vigil/testing";
import { type Ingest, natsClient, oom, post, startIngest, storedEvents } from "./helpers.js";

describe("ebpf-ingest: POST /events", () => {
  let nats: NatsServerHandle;
  let ingest: Ingest;
  let nc: NatsConnection;
  let jsm: JetStreamManager;

  before(async () => {
    nats = await startNats();
    ingest = await startIngest(nats.url, { INGEST_MAX_BODY_BYTES: "65536", INGEST_MAX_EVENTS_PER_REQUEST: "100" });
    ({ nc, jsm } = await natsClient(nats.url));
  });
  beforeEach(async () => {
    await jsm.streams.purge(streams.kernelEvents.name);
  });
  after(async () => {
    await ingest?.shutdown();
    await nc?.close();
    await nats?.stop();
  });

  it("stores one event on vigil.events.kernel.<node>.<type> and answers 202", async () => {
    const res = await post(
      ingest.url,
      oom(4242, {
        trigger_pid: 4250,
        trigger_comm: "java",
        cgroup_path:
          "/kubepods/burstable/pod1f7a9a2e-0c7e-4e0a-9a52-1b5f2a9c7d10/3f4e5d6c7b8a9f0e1d2c3b4a5f6e7d8c9b0a1f2e3d4c5b6a7f8e9d0c1b2a3f4e",
      }),
    );
    assert.equal(res.status, 202);
    assert.deepEqual(((await res.json()) as { data: unknown }).data, { accepted: 1, duplicates: 0, rejected: [] });
    const [stored] = await storedEvents(jsm);
    assert.equal(stored!.subject, "vigil.events.kernel.node-a.oom_kill");
    const m = stored!.message;
    assert.deepEqual(
      [m.node, m.type, m.source, m.pid, m.comm, m.observedAt],
      ["node-a", "oom_kill", "http", 4242, "java", "2026-11-22T05:00:00.000Z"],
    );
    const { scope, scopeReason, qos, ...fields } = m.data;
    assert.deepEqual(fields, { anonRssKb: 262_144, oomScoreAdj: 999, triggerPid: 4250, triggerComm: "java" });
    assert.equal(qos, "Burstable", "from the cgroup path");
    assert.ok(scope === "node" || scope === "container");
    assert.equal(typeof scopeReason, "string");
    // Placed from the cgroup path alone (no Kubernetes API in this test).
    assert.deepEqual(m.pod, { uid: "1f7a9a2e-0c7e-4e0a-9a52-1b5f2a9c7d10" });
    assert.deepEqual(m.container, { id: "3f4e5d6c7b8a9f0e1d2c3b4a5f6e7d8c9b0a1f2e3d4c5b6a7f8e9d0c1b2a3f4e" });
    assert.equal(
      m.cgroup,
      "/kubepods/burstable/pod1f7a9a2e-0c7e-4e0a-9a52-1b5f2a9c7d10/3f4e5d6c7b8a9f0e1d2c3b4a5f6e7d8c9b0a1f2e3d4c5b6a7f8e9d0c1b2a3f4e",
    );
    assert.match(m.id, /^kev_[\w-]{32}$/);
  });

  it("accepts Konverse's own shapes: type oom, a +0000 offset, its swap histogram", async () => {
    const konverseOom = {
      ts: "2026-11-22T05:00:00+0000",
      type: "oom",
      container_id: "cart-7d9f-abcde",
      cgroup_path: "/sys/fs/cgroup/kubepods.slice/x.scope",
      victim_pid: 77,
      victim_comm: "node",
      trigger_pid: 77,
      trigger_comm: "node",
    };
    const swap = {
      ts: "2026-11-22T05:00:05Z",
      type: "swap_fault_latency",
      latency_distribution_us: [
        { range_start_us: 256, range_end_us: 511, count: 12 },
        { range_start_us: 512, range_end_us: 1023, count: 3 },
      ],
    };
    assert.equal((await post(ingest.url, konverseOom)).status, 202);
    assert.equal((await post(ingest.url, swap)).status, 202);
    const stored = await storedEvents(jsm);
    assert.deepEqual(
      stored.map((s) => s.subject),
      ["vigil.events.kernel.node-a.oom_kill", "vigil.events.kernel.node-a.swap_fault_latency"],
    );
    assert.equal(stored[0]!.message.observedAt, "2026-11-22T05:00:00.000Z");
    assert.deepEqual(stored[1]!.message.data.latencyDistributionUs, [
      { rangeStartUs: 256, rangeEndUs: 511, count: 12 },
      { rangeStartUs: 512, rangeEndUs: 1023, count: 3 },
    ]);
  });

  it("defaults ts to now and takes epoch seconds, ms and ns", async () => {
    const before = Date.now();
    const events = [
      { type: "signal_kill", sig: 9, pid: 1 },
      { type: "signal_kill", sig: 9, pid: 2, ts: 1795323600 },
      { type: "signal_kill", sig: 9, pid: 3, ts: 1795323600123 },
      { type: "signal_kill", sig: 9, pid: 4, ts: 1795323600123456800 },
    ];
    assert.equal((await post(ingest.url, events)).status, 202);
    const stored = (await storedEvents(jsm)).map((s) => s.message).sort((a, b) => a.pid! - b.pid!);
    assert.ok(Date.parse(stored[0]!.observedAt) >= before);
    assert.deepEqual(
      stored.slice(1).map((m) => m.observedAt),
      ["2026-11-22T05:00:00.000Z", "2026-11-22T05:00:00.123Z", "2026-11-22T05:00:00.123Z"],
    );
  });

  it("refuses a bad single event with a 400 that names the problem", async () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ victim_pid: 1 }, /type: required/],
      [{ type: "oom_kill", victim_pid: -1, victim_comm: "x" }, /invalid oom_kill event: victim_pid/],
      [{ type: "oom_kill", victim_pid: 1, victim_comm: "x", victim_rss: 5 }, /Unrecognized key.*victim_rss/],
      [{ type: "disk_full" }, /unknown type "disk_full": known are oom_kill, swap_fault_latency/],
      [{ type: "signal_kill", sig: 9, pid: 1, ts: "yesterday" }, /ts must be an RFC 3339 time/],
      [{ type: "signal_kill", sig: 9, pid: 1, ts: 12 }, /ts 12 is not a plausible time/],
      [[1, 2], /none of the 2 events is valid/],
      ["{not json", /invalid JSON/],
      ["", /empty body/],
    ];
    for (const [body, message] of cases) {
      const res = await post(ingest.url, body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.match(errorEnvelope.parse(await res.json()).error.message, message);
    }
    assert.equal((await storedEvents(jsm)).length, 0);
  });

  it("stores the good events of a mixed batch and reports the bad ones by index (JSON array and NDJSON)", async () => {
    const res = await post(ingest.url, [oom(1), { type: "oom_kill" }, oom(3), { type: "nope" }]);
    assert.equal(res.status, 202);
    const { data } = (await res.json()) as { data: { accepted: number; rejected: Array<{ index: number; message: string }> } };
    assert.equal(data.accepted, 2);
    assert.deepEqual(
      data.rejected.map((r) => r.index),
      [1, 3],
    );
    const ndjson = [JSON.stringify(oom(10)), "{broken", JSON.stringify(oom(12)), ""].join("\n");
    const res2 = await post(ingest.url, ndjson, { "content-type": "application/x-ndjson" });
    assert.equal(res2.status, 202);
    const body2 = (await res2.json()) as { data: { accepted: number; rejected: Array<{ index: number; message: string }> } };
    assert.equal(body2.data.accepted, 2);
    assert.deepEqual(body2.data.rejected, [{ index: 1, message: "line 2 is not valid JSON" }]);
    assert.deepEqual(
      (await storedEvents(jsm)).map((s) => s.message.pid).sort((a, b) => a! - b!),
      [1, 3, 10, 12],
    );
  });

  it("a retried POST is stored once and reported as duplicates", async () => {
    const batch = [oom(21), oom(22)];
    const published = async () =>
      Number(
        /^vigil_ingest_events_published_total\{type="oom_kill",source="http"\} (\d+)$/m.exec(
          await (await fetch(`${ingest.url}/metrics`)).text(),
        )?.[1] ?? 0,
      );
    const publishedBefore = await published();
    assert.deepEqual(((await (await post(ingest.url, batch)).json()) as { data: unknown }).data, {
      accepted: 2,
      duplicates: 0,
      rejected: [],
    });
    assert.deepEqual(((await (await post(ingest.url, batch)).json()) as { data: unknown }).data, {
      accepted: 0,
      duplicates: 2,
      rejected: [],
    });
    // Key order does not make a retry a new event.
    const reordered = Object.fromEntries(Object.entries(oom(21)).reverse());
    assert.equal(((await (await post(ingest.url, reordered)).json()) as { data: { duplicates: number } }).data.duplicates, 1);
    assert.equal((await storedEvents(jsm)).length, 2);
    const metrics = await (await fetch(`${ingest.url}/metrics`)).text();
    assert.match(metrics, /^vigil_ingest_events_duplicate_total\{type="oom_kill"\} 3$/m);
    assert.equal((await published()) - publishedBefore, 2, "each stored event counted once, retries not at all");
  });

  it("413 for a body or a batch over the limits, 415 for other media types, 405 for other methods", async () => {
    const big = await post(ingest.url, { type: "signal_kill", sig: 9, pid: 1, comm: "x".repeat(70_000) });
    assert.equal(big.status, 413);
    const many = await post(
      ingest.url,
      Array.from({ length: 101 }, (_, i) => oom(i)),
    );
    assert.equal(many.status, 413);
    assert.match(errorEnvelope.parse(await many.json()).error.message, /101 events in one request; at most 100/);
    assert.equal((await post(ingest.url, "<xml/>", { "content-type": "application/xml" })).status, 415);
    assert.equal((await fetch(`${ingest.url}/events`)).status, 405);
  });
});

describe("ebpf-ingest: options", () => {
  let nats: NatsServerHandle;
  before(async () => {
    nats = await startNats();
  });
  after(async () => {
    await nats?.stop();
  });

  it("requires the bearer token when one is configured", async () => {
    const ingest = await startIngest(nats.url, { INGEST_TOKEN: "s3cret" });
    try {
      assert.equal((await post(ingest.url, oom(1))).status, 401);
      assert.equal((await post(ingest.url, oom(1), { authorization: "Bearer wrong" })).status, 401);
      assert.equal((await post(ingest.url, oom(1), { authorization: "Bearer s3cret" })).status, 202);
    } finally {
      await ingest.shutdown();
    }
  });

  it("accepts unknown types only when configured to, keeping their fields", async () => {
    const ingest = await startIngest(nats.url, { INGEST_ALLOW_UNKNOWN_TYPES: "true", NODE_NAME: "node-u" });
    try {
      const res = await post(ingest.url, { type: "gpu_xid_error", xid: 79, gpu_uuid: "GPU-1" });
      assert.equal(res.status, 202);
      const { nc, jsm } = await natsClient(nats.url);
      const stored = (await storedEvents(jsm)).find((s) => s.subject === "vigil.events.kernel.node-u.gpu_xid_error");
      assert.deepEqual(stored?.message.data, { xid: 79, gpuUuid: "GPU-1" });
      assert.equal((await post(ingest.url, { type: "Bad Type!" })).status, 400);
      await nc.close();
    } finally {
      await ingest.shutdown();
    }
  });

  it(
    "answers 503 with Retry-After while NATS is down; the retried POST then counts once",
    { skip: process.env.VIGIL_TEST_NATS_URL ? "an external NATS cannot be stopped" : false },
    async () => {
      const ingest = await startIngest(nats.url, { NODE_NAME: "node-o" });
      try {
        await nats.kill();
        const down = await post(ingest.url, [oom(31), oom(32)]);
        assert.equal(down.status, 503);
        assert.equal(down.headers.get("retry-after"), "5");
        assert.match(errorEnvelope.parse(await down.json()).error.message, /2 of 2 events not stored yet/);
        await nats.restart();
        // Retried as a client does after a 503, until the service has reconnected and accepts it.
        await waitFor(async () => (await post(ingest.url, [oom(31), oom(32)])).status === 202, {
          intervalMs: 200,
          message: "the retried POST accepted",
        });
        const { nc, jsm } = await natsClient(nats.url);
        assert.equal((await storedEvents(jsm)).filter((s) => s.message.node === "node-o").length, 2);
        await nc.close();
      } finally {
        await ingest.shutdown();
      }
    },
  );
});

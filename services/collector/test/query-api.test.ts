// The collector against a real nats-server, sampling this machine: publishing rate, /history windows,
// /stream with ids and resume, bad queries.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { DeliverPolicy, jetstream } from "@nats-io/jetstream";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { type NodeSampleMessage, nodeSampleMessage, streams } from "@vigil/contracts";
import { type NatsServerHandle, startNats, waitFor } from "@vigil/testing";
import { type Collector, SseClient, startCollector } from "./helpers.js";

describe("collector: publishing and the query API", () => {
  let nats: NatsServerHandle;
  let collector: Collector;
  let nc: NatsConnection;

  before(async () => {
    nats = await startNats();
    collector = await startCollector(nats.url, { COLLECTOR_SAMPLE_INTERVAL: "200ms", COLLECTOR_HISTORY_WINDOW: "3s" });
    nc = await connect({ servers: nats.url });
  });
  after(async () => {
    await collector?.shutdown();
    await nc?.close();
    await nats?.stop();
  });

  it("publishes valid node samples to vigil.metrics.node.<node> at the configured rate", async () => {
    const js = jetstream(nc);
    const startedAt = new Date().toISOString();
    const consumer = await js.consumers.get(streams.metrics.name, {
      filter_subjects: "vigil.metrics.node.node-a",
      deliver_policy: DeliverPolicy.StartTime,
      opt_start_time: startedAt,
    });
    const samples: NodeSampleMessage[] = [];
    await waitFor(
      async () => {
        for await (const m of await consumer.fetch({ max_messages: 10 - samples.length, expires: 1000 }))
          samples.push(nodeSampleMessage.parse(m.json()));
        return samples.length >= 10;
      },
      { timeoutMs: 10_000, message: `10 published samples (got ${samples.length})` },
    );
    // The rate from the samples' own times, not from a wall-clock window, so a loaded machine cannot skew the count.
    const gaps = samples.slice(1).map((s, i) => Date.parse(s.ts) - Date.parse(samples[i]!.ts));
    const mean = (Date.parse(samples.at(-1)!.ts) - Date.parse(samples[0]!.ts)) / gaps.length;
    const median = [...gaps].sort((a, b) => a - b)[Math.floor(gaps.length / 2)]!;
    // On a steady 200 ms cadence a late tick shortens the next gap, so single gaps vary under load; the mean
    // cannot be faster than configured, and the median stays on the cadence.
    assert.ok(mean >= 150, `mean interval ${mean} ms, configured 200 ms (gaps ${gaps.join(", ")})`);
    assert.ok(median >= 150 && median <= 300, `median interval ${median} ms, configured 200 ms (gaps ${gaps.join(", ")})`);
    const last = samples.at(-1)!;
    assert.equal(last.node, "node-a");
    assert.ok(last.memory?.MemTotal && last.memory.MemTotal > 0);
    assert.ok(last.cpu && last.cpu.perCpuPct.length > 0, "CPU rates from the second sample on");
  });

  it("GET /ping answers ok", async () => {
    const res = await fetch(`${collector.url}/ping`);
    assert.equal(res.status, 200);
    assert.equal(await res.text(), "ok");
  });

  it("GET /history returns the window by default and honours since (duration and RFC 3339) and limit", async () => {
    const history = async (query = "") => (await (await fetch(`${collector.url}/history${query}`)).json()) as NodeSampleMessage[];
    // Wait until the window is full: the oldest sample seen now has fallen out, and a window's worth is in.
    const firstOldest = (await history())[0]?.ts;
    let now = 0;
    const all = await waitFor(
      async () => {
        now = Date.now();
        const h = await history();
        return h.length >= 12 && h[0]!.ts !== firstOldest ? h : undefined;
      },
      { timeoutMs: 10_000, message: "a full 3 s window of samples" },
    );
    assert.ok(all.length <= 17, `3 s window at 5 Hz, got ${all.length}`);
    assert.ok(Date.parse(all[0]!.ts) >= now - 3_000 - 50, "nothing older than the window");
    for (const s of all) nodeSampleMessage.parse(s);
    const ts = all.map((s) => Date.parse(s.ts));
    assert.deepEqual(
      ts,
      [...ts].sort((a, b) => a - b),
      "oldest first",
    );

    const from = all[5]!.ts;
    const byTime = (await (await fetch(`${collector.url}/history?since=${encodeURIComponent(from)}`)).json()) as NodeSampleMessage[];
    assert.equal(byTime[0]!.ts, from);
    const older = (await (await fetch(`${collector.url}/history?since=1h`)).json()) as NodeSampleMessage[];
    assert.ok(older.length <= all.length + 2, "since beyond the window is clamped to it");
    let askedAt = 0;
    const recent = await waitFor(
      async () => {
        askedAt = Date.now();
        const r = await history("?scope=stats&since=1s");
        return r.length >= 4 ? r : undefined;
      },
      { message: "1 s of samples" },
    );
    assert.ok(recent.length <= 7, `1 s at 5 Hz, got ${recent.length}`);
    assert.ok(Date.parse(recent[0]!.ts) >= askedAt - 1_000 - 50, "nothing older than since");
    const two = (await (await fetch(`${collector.url}/history?limit=2`)).json()) as NodeSampleMessage[];
    assert.equal(two.length, 2);
  });

  it("answers 400 naming the problem for a bad scope or since, 405 for other methods", async () => {
    const badScope = await fetch(`${collector.url}/history?scope=vmstat`);
    assert.equal(badScope.status, 400);
    assert.match(((await badScope.json()) as { error: { message: string } }).error.message, /scope/);
    const badSince = await fetch(`${collector.url}/history?since=yesterday`);
    assert.equal(badSince.status, 400);
    const sinceMessage = ((await badSince.json()) as { error: { message: string } }).error.message;
    assert.match(sinceMessage, /since: "yesterday" is neither a duration/);
    assert.doesNotMatch(sinceMessage, /since: since:/, "the field is named once");
    const post = await fetch(`${collector.url}/history`, { method: "POST" });
    assert.equal(post.status, 405);
    assert.equal(post.headers.get("allow"), "GET");
  });

  it("refuses a Last-Event-ID (header or query) that is not an id it gave, instead of starting afresh", async () => {
    const badHeader = await fetch(`${collector.url}/stream`, { headers: { "Last-Event-ID": "abc" } });
    assert.equal(badHeader.status, 400);
    assert.match(
      ((await badHeader.json()) as { error: { message: string } }).error.message,
      /Last-Event-ID header: "abc" is not the numeric id/,
    );
    const badQuery = await fetch(`${collector.url}/stream?lastEventId=abc`);
    assert.equal(badQuery.status, 400);
    assert.match(
      ((await badQuery.json()) as { error: { message: string } }).error.message,
      /^invalid query: lastEventId: expected the numeric id/,
    );
    // An empty header is what a client sends before it received any id: a fresh connection, not an error.
    const fresh = await SseClient.open(`${collector.url}/stream`, { "Last-Event-ID": "" });
    assert.equal(fresh.status, 200);
    fresh.close();
  });

  it("GET /stream sends only new samples with id and event fields, and resumes after Last-Event-ID", async () => {
    const before = Date.now();
    const sse = await SseClient.open(`${collector.url}/stream?scope=stats`);
    assert.equal(sse.status, 200);
    assert.match(String(sse.headers["content-type"]), /^text\/event-stream/);
    await waitFor(() => sse.frames.length >= 3, { timeoutMs: 3_000, message: "three live samples" });
    sse.close();
    const frames = sse.frames.slice(0, 3);
    for (const f of frames) {
      assert.equal(f.event, "node_sample");
      const sample = nodeSampleMessage.parse(JSON.parse(f.data));
      assert.equal(f.id, String(Date.parse(sample.ts)), "the id is the sample time in ms");
      assert.ok(Date.parse(sample.ts) >= before - 250, "no replay of old samples without Last-Event-ID");
    }
    assert.ok(Number(frames[1]!.id) > Number(frames[0]!.id));

    // Resume: what came after the first id arrives at once, then live samples continue.
    const resumed = await SseClient.open(`${collector.url}/stream`, { "Last-Event-ID": frames[0]!.id! });
    await waitFor(() => resumed.frames.length >= 4, { timeoutMs: 3_000, message: "replay plus live" });
    resumed.close();
    assert.deepEqual(
      resumed.frames.slice(0, 2).map((f) => f.id),
      [frames[1]!.id, frames[2]!.id],
    );
    const ids = resumed.frames.map((f) => Number(f.id));
    assert.deepEqual(
      ids,
      [...new Set(ids)].sort((a, b) => a - b),
      "no duplicates, in order",
    );
  });

  it("sends heartbeat comments on an idle stream", async () => {
    const quiet = await startCollector(nats.url, {
      NODE_NAME: "node-quiet",
      COLLECTOR_PUBLISH: "false",
      COLLECTOR_STREAM_HEARTBEAT: "200ms",
    });
    try {
      const sse = await SseClient.open(`${quiet.url}/stream?scope=events`);
      await waitFor(() => sse.comments >= 3, { timeoutMs: 3_000, message: "heartbeats" });
      assert.equal(sse.frames.length, 0, "no events on this node");
      sse.close();
    } finally {
      await quiet.shutdown();
    }
  });

  it("exports node gauges on /metrics", async () => {
    const text = await (await fetch(`${collector.url}/metrics`)).text();
    assert.match(text, /^vigil_node_memory_available_bytes \d+/m);
    assert.match(text, /^vigil_collector_samples_total\{kind="node"\} \d+/m);
    assert.match(text, /^vigil_node_major_page_faults_total \d+/m);
  });
});

describe("collector: shutdown", () => {
  it("ends open /stream connections at once instead of waiting for the shutdown deadline", async () => {
    const nats = await startNats();
    try {
      const c = await startCollector(nats.url, { SHUTDOWN_TIMEOUT_MS: "10000" });
      const sse = await SseClient.open(`${c.url}/stream`);
      await waitFor(() => sse.frames.length >= 1, { timeoutMs: 3_000, message: "a live sample" });
      const t0 = Date.now();
      assert.equal(await c.shutdown(), true, "a clean stop");
      assert.ok(Date.now() - t0 < 3_000, `stopped in ${Date.now() - t0} ms`);
    } finally {
      await nats.stop();
    }
  });
});

import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterEach, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { knownKernelEventInput } from "@vigil/contracts";
import { waitFor } from "@vigil/testing";
import { loadIngestProto, eventToInput, type Ack, type Event, type IngestClient, type IngestHandler } from "../src/index.js";
import { recordingHandler, setup } from "./harness.js";

const oom = (i: number): Event => ({
  event_id: `e-${i}`,
  ts_unix_nano: 1_764_460_000_000_000_000 + i,
  container_id: "0123456789abcdef",
  oom_kill: {
    victim_pid: 1000 + (i % 30_000),
    victim_comm: "java",
    anon_rss_kb: 1_048_576,
    oom_score_adj: 900,
    constraint: "OOM_CONSTRAINT_MEMCG",
  },
});

const run = promisify(execFile);

const BACKPRESSURE_EVENTS = 40_000;

/**
 * Streams BACKPRESSURE_EVENTS events (made by `next`) through `send` to a handler that is blocked until the
 * producer has stalled (nothing new for 200 ms); checks that all of them arrive once it is released, and
 * returns how many were produced while it was blocked.
 */
async function producedWhileBlocked(
  cleanup: (() => unknown)[],
  send: (client: IngestClient, next: () => Event) => Promise<Ack>,
): Promise<number> {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const { handler: record, recorded } = recordingHandler();
  const handler: IngestHandler = async (inputs, ctx) => {
    await gate;
    return record(inputs, ctx);
  };
  const { client } = await setup({ handler }, {}, cleanup);
  let produced = 0;
  const sending = send(client, () => oom(produced++));
  let stalled = -1;
  for (const deadline = Date.now() + 10_000; stalled !== produced || produced === 0;) {
    assert.ok(Date.now() < deadline, `the producer never stalled (${produced} produced)`);
    stalled = produced;
    await sleep(200); // proves nothing happens: stalled means no event produced for 200 ms
  }
  release();
  const ack = await sending;
  assert.equal(ack.accepted, BACKPRESSURE_EVENTS);
  assert.equal(recorded.inputs.length, BACKPRESSURE_EVENTS);
  return stalled;
}

describe("Send: batching, order, indexes, backpressure", () => {
  const cleanup: (() => unknown)[] = [];
  afterEach(async () => {
    for (const fn of cleanup.splice(0).reverse()) await fn();
  });

  it("10,000 events arrive in order, in batches of at most 500, and the Ack counts them all", async () => {
    const { handler, recorded } = recordingHandler();
    const { client } = await setup({ handler }, {}, cleanup);
    const events = Array.from({ length: 10_000 }, (_, i) => oom(i));
    const ack = await client.send(events);
    assert.deepEqual(ack, { accepted: 10_000, duplicates: 0, rejected: 0, errors: [] });
    assert.equal(recorded.inputs.length, 10_000);
    assert.deepEqual(
      recorded.inputs.map((x) => (x as { event_id: string }).event_id),
      events.map((e) => e.event_id),
    );
    assert.ok(recorded.batches.length >= 20, `${recorded.batches.length} batches`);
    assert.ok(
      recorded.batches.every((b) => b.length >= 1 && b.length <= 500),
      recorded.batches.map((b) => b.length).join(","),
    );
  });

  it("rejections carry their index in the whole stream; duplicates are counted; the call itself succeeds", async () => {
    // The handler ebpf-ingest will have, roughly: the contracts' schema, and event_id dedup.
    const seen = new Set<string>();
    const batches: number[] = [];
    const handler: IngestHandler = async (inputs) => {
      batches.push(inputs.length);
      const r = { accepted: 0, duplicates: 0, rejected: [] as Array<{ index: number; message: string }> };
      inputs.forEach((input, index) => {
        const parsed = knownKernelEventInput.safeParse(input);
        if (!parsed.success)
          return void r.rejected.push({
            index,
            message: parsed.error.issues.map((i) => `${i.path.join(".") || "(event)"}: ${i.message}`).join("; "),
          });
        if (parsed.data.event_id && seen.has(parsed.data.event_id)) return void r.duplicates++;
        if (parsed.data.event_id) seen.add(parsed.data.event_id);
        r.accepted++;
      });
      return r;
    };
    const { client } = await setup({ handler, batch: { maxEvents: 100 } }, {}, cleanup);
    const bad = new Set([0, 99, 100, 101, 777, 2_999]);
    const events: Event[] = Array.from({ length: 3_000 }, (_, i) =>
      bad.has(i) ? { node: "n", event_id: `x-${i}` } : i % 1_000 === 500 ? oom(i - 1) : oom(i),
    );
    const ack = await client.send(events);
    assert.equal(ack.rejected, bad.size);
    assert.equal(ack.duplicates, 3);
    assert.equal(ack.accepted, 3_000 - bad.size - 3);
    assert.deepEqual(
      ack.errors.map((e) => e.index),
      [...bad],
    );
    assert.match(ack.errors[0]?.message ?? "", /^type: /);
    assert.ok(batches.length >= 30, `batches ${batches.join(",")}`);
  });

  it("lists at most maxErrors rejections but counts them all", async () => {
    const { handler } = recordingHandler(() => "no");
    const { client } = await setup({ handler, batch: { maxErrors: 10, maxEvents: 7 } }, {}, cleanup);
    const ack = await client.send(Array.from({ length: 50 }, (_, i) => oom(i)));
    assert.equal(ack.rejected, 50);
    assert.deepEqual(
      ack.errors.map((e) => e.index),
      [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    );
  });

  it("hands events on while the stream is still open (every maxDelayMs when they trickle in)", async () => {
    const { handler, recorded } = recordingHandler();
    const { client } = await setup({ handler, batch: { maxDelayMs: 20 } }, {}, cleanup);
    async function* trickle(): AsyncGenerator<Event> {
      for (let i = 0; i < 3; i++) {
        yield oom(i);
        // The next event is only produced once the server has handed this one on: the stream is open throughout.
        await waitFor(() => recorded.inputs.length === i + 1, { intervalMs: 5 });
      }
    }
    const ack = await client.send(trickle());
    assert.equal(ack.accepted, 3);
    assert.deepEqual(
      recorded.batches.map((b) => b.length),
      [1, 1, 1],
    );
  });

  it("stops reading while the handler is behind: a blocked handler holds the client back", async () => {
    const stalled = await producedWhileBlocked(cleanup, (client, next) =>
      client.send(
        (function* () {
          for (let i = 0; i < BACKPRESSURE_EVENTS; i++) yield next();
        })(),
      ),
    );
    // What is in flight: the batch with the handler, the next (full) batch, stream buffers and the HTTP/2
    // windows. Without backpressure all 40,000 would have been produced.
    assert.ok(stalled < 20_000, `produced ${stalled} while the handler was blocked`);
    console.log(`# backpressure: ${stalled} events produced while the handler was blocked`);
  });

  it("throughput over one stream (printed, not asserted)", async () => {
    const { handler, recorded } = recordingHandler();
    const { server } = await setup({ handler }, {}, cleanup);
    const n = 100_000;
    // The client in a process of its own, as a tracer is: sharing one event loop halves both sides.
    const child = fileURLToPath(new URL("./send-child.ts", import.meta.url));
    const { stdout } = await run(process.execPath, ["--conditions=@vigil/source", "--import", "tsx", child, server.target, String(n)], {
      timeout: 120_000,
    });
    const { ms, accepted } = JSON.parse(stdout) as { ms: number; accepted: number };
    assert.equal(accepted, n);
    assert.equal(recorded.inputs.length, n + 2_000);

    // The conversion alone, on what the server decodes (a decoded message, not the client's object).
    const method = loadIngestProto().kernelEventIngest.Send;
    assert.ok(method);
    const decoded = Array.from({ length: 10_000 }, (_, i) => method.requestDeserialize(method.requestSerialize(oom(i))) as Event);
    const t0 = performance.now();
    let keys = 0;
    for (let round = 0; round < 20; round++) for (const e of decoded) keys += Object.keys(eventToInput(e)).length;
    const convertNs = ((performance.now() - t0) * 1e6) / (20 * decoded.length);
    assert.ok(keys > 0);
    console.log(
      `# grpc Send: ${n} events in ${(ms / 1000).toFixed(2)} s = ${Math.round(n / (ms / 1000))} events/s (client in its own process); eventToInput ${convertNs.toFixed(0)} ns/event`,
    );
  });
});

describe("SendBatches: many events per message, Send's semantics", () => {
  const cleanup: (() => unknown)[] = [];
  afterEach(async () => {
    for (const fn of cleanup.splice(0).reverse()) await fn();
  });

  it("events of uneven and empty messages arrive in order; error indexes count events across messages", async () => {
    const { handler, recorded } = recordingHandler((input) =>
      (input as { event_id?: string }).event_id?.endsWith("7") ? "ends in 7" : undefined,
    );
    const { client } = await setup({ handler, batch: { maxEvents: 100 } }, {}, cleanup);
    const events = Array.from({ length: 5_000 }, (_, i) => oom(i));
    // Message sizes 0, 1, ..., so batches of the handler and messages of the stream never line up.
    const messages: Event[][] = [];
    for (let at = 0, size = 0; at < events.length; size = (size + 1) % 250) messages.push(events.slice(at, (at += size)));
    const ack = await client.sendBatches(messages);
    assert.equal(ack.accepted + ack.rejected, 5_000);
    assert.equal(ack.rejected, 500);
    assert.deepEqual(
      ack.errors.map((e) => e.index),
      events.flatMap((e, i) => (e.event_id!.endsWith("7") ? [i] : [])),
    );
    assert.deepEqual(
      recorded.inputs.map((x) => (x as { event_id: string }).event_id),
      events.map((e) => e.event_id),
    );
    assert.deepEqual(recorded.inputs[3], eventToInput(events[3]!), "converted like Send's events");
  });

  it("stops reading while the handler is behind", async () => {
    const stalled = await producedWhileBlocked(cleanup, (client, next) =>
      client.sendBatches(
        (function* () {
          for (let i = 0; i < BACKPRESSURE_EVENTS / 100; i++) yield Array.from({ length: 100 }, next);
        })(),
      ),
    );
    assert.ok(stalled < 20_000, `produced ${stalled} of 40,000 while the handler was blocked`);
  });
});

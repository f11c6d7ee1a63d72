import assert from "node:assert/strict";
import { afterEach, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { credentials, Metadata, status, type ServiceError } from "@grpc/grpc-js";
import { knownKernelEventInput } from "@vigil/contracts";
import { waitFor } from "@vigil/testing";
import { IngestClient, loadIngestProto, type Ack, type Event, type IngestHandler } from "../src/index.js";
import { recordingHandler, setup } from "./harness.js";

const ok: Event = { container_start: { pid: 1 } };

/** Matches a rejected call by status (and details). */
function grpcError(code: status, details?: RegExp) {
  return (err: unknown): boolean => {
    const e = err as ServiceError;
    assert.equal(status[e.code], status[code], `${status[e.code]}: ${e.details}`);
    if (details) assert.match(e.details, details);
    return true;
  };
}

async function* forever(onEach?: (i: number) => void): AsyncGenerator<Event> {
  for (let i = 0; ; i++) {
    onEach?.(i);
    yield { event_id: `f-${i}`, container_start: { pid: i } };
    await sleep(1); // paces the endless stream (~1 event/ms), so "ends at once" can be counted in events
  }
}

describe("errors and status codes", () => {
  const cleanup: (() => unknown)[] = [];
  afterEach(async () => {
    for (const fn of cleanup.splice(0).reverse()) await fn();
  });

  it("auth: missing or wrong token is UNAUTHENTICATED (handler never called); the right one passes", async () => {
    const { handler, recorded } = recordingHandler();
    const { server, client: anonymous } = await setup({ handler, auth: { token: "s3cret" } }, {}, cleanup);
    await assert.rejects(anonymous.publish(ok), grpcError(status.UNAUTHENTICATED, /missing authorization metadata/));
    await assert.rejects(anonymous.send([ok, ok]), grpcError(status.UNAUTHENTICATED, /missing authorization metadata/));

    const wrong = new IngestClient({ target: server.target, token: "guess" });
    cleanup.push(() => wrong.close());
    await assert.rejects(wrong.publish(ok), grpcError(status.UNAUTHENTICATED, /invalid bearer token/));
    await assert.rejects(
      wrong.send(forever()),
      grpcError(status.UNAUTHENTICATED, /invalid bearer token/),
      "answered at once, even on an endless stream",
    );
    await assert.rejects(anonymous.sendBatches([[ok, ok]]), grpcError(status.UNAUTHENTICATED, /missing authorization metadata/));
    await assert.rejects(wrong.sendBatches([[ok], [ok]]), grpcError(status.UNAUTHENTICATED, /invalid bearer token/));

    // Not Bearer, and Bearer in another case, straight through the generated stub.
    const { KernelEventIngest } = loadIngestProto();
    const raw = new KernelEventIngest(server.target, credentials.createInsecure()) as unknown as {
      Publish(e: Event, md: Metadata, cb: (err: ServiceError | null, ack?: Ack) => void): void;
      close(): void;
    };
    cleanup.push(() => raw.close());
    const publishWith = (authorization: string) =>
      new Promise<Ack>((resolve, reject) => {
        const md = new Metadata();
        md.set("authorization", authorization);
        raw.Publish(ok, md, (err, ack) => (err ? reject(err) : resolve(ack as Ack)));
      });
    await assert.rejects(publishWith("Basic czNjcmV0"), grpcError(status.UNAUTHENTICATED, /must be `Bearer <token>`/));
    assert.equal(recorded.batches.length, 0);
    assert.equal((await publishWith("bearer s3cret")).accepted, 1);

    const right = new IngestClient({ target: server.target, token: "s3cret" });
    cleanup.push(() => right.close());
    assert.equal((await right.publish(ok)).accepted, 1);
    assert.equal((await right.send([ok, ok, ok])).accepted, 3);
    assert.equal((await right.sendBatches([[ok, ok], [ok]])).accepted, 3);
    assert.equal(recorded.inputs.length, 8);
  });

  it("a message over maxMessageBytes is RESOURCE_EXHAUSTED, for Publish and mid-stream; the server carries on", async () => {
    const { handler, recorded } = recordingHandler();
    const { client } = await setup({ handler, maxMessageBytes: 1024 }, {}, cleanup);
    const big: Event = { oom_kill: { victim_comm: "x".repeat(2_000) } };
    await assert.rejects(client.publish(big), grpcError(status.RESOURCE_EXHAUSTED, /larger than max \(2006 vs 1024\)/));
    assert.equal(recorded.batches.length, 0);

    await assert.rejects(client.send([ok, ok, ok, big, ok]), grpcError(status.RESOURCE_EXHAUSTED));
    // A batch is one message: the limit applies to the whole array.
    await assert.rejects(client.sendBatches([[ok], Array.from({ length: 200 }, () => ok)]), grpcError(status.RESOURCE_EXHAUSTED));
    const handled = recorded.inputs.length;
    await sleep(150); // proves nothing happens: past maxDelayMs, nothing pending from the failed stream is handed on
    assert.equal(recorded.inputs.length, handled);
    assert.ok(handled <= 3, `handled ${handled}`);

    assert.equal((await client.publish(ok)).accepted, 1);
    assert.equal((await client.send([ok, { oom_kill: { victim_comm: "x".repeat(900) } }])).accepted, 2, "just under the limit is fine");
  });

  it("a failing handler (the bus is down) is UNAVAILABLE with its reason, also when it throws synchronously", async () => {
    let sync = false;
    const handler: IngestHandler = (inputs) => {
      if (sync) throw new Error("publish: not connected");
      return Promise.reject(new Error(`NATS unavailable: connection refused (${inputs.length} events)`));
    };
    const { client } = await setup({ handler }, {}, cleanup);
    await assert.rejects(
      client.publish(ok),
      grpcError(status.UNAVAILABLE, /^ingest unavailable: NATS unavailable: connection refused \(1 events\)$/),
    );
    await assert.rejects(
      client.send([ok, ok]),
      grpcError(status.UNAVAILABLE, /^ingest unavailable: NATS unavailable: connection refused \(2 events\)$/),
    );
    sync = true;
    await assert.rejects(client.publish(ok), grpcError(status.UNAVAILABLE, /not connected/));
    await assert.rejects(client.send([ok]), grpcError(status.UNAVAILABLE, /not connected/));
  });

  it("Send fails at the first failing batch, says how much was handled before, and hands on nothing after", async () => {
    const { handler: record, recorded } = recordingHandler();
    let calls = 0;
    const handler: IngestHandler = (inputs, ctx) => (++calls === 3 ? Promise.reject(new Error("stream full")) : record(inputs, ctx));
    const { client } = await setup({ handler, batch: { maxEvents: 100, maxInFlight: 1, maxDelayMs: 60_000 } }, {}, cleanup);
    await assert.rejects(
      client.send(Array.from({ length: 1_000 }, () => ok)),
      grpcError(status.UNAVAILABLE, /^ingest unavailable: stream full; 200 earlier events of this call were already handled/),
    );
    await sleep(100); // proves nothing happens: no batch is handed on after the failing one
    assert.equal(calls, 3);
    assert.equal(recorded.inputs.length, 200);
  });

  it("a handler failure ends an endless stream at once, instead of at its (never coming) end", async () => {
    const handler: IngestHandler = () => Promise.reject(new Error("bus down"));
    const { client } = await setup({ handler }, {}, cleanup);
    let produced = 0;
    await assert.rejects(client.send(forever((i) => (produced = i + 1))), grpcError(status.UNAVAILABLE, /bus down/));
    assert.ok(produced < 1_000, `stopped after ${produced} events`);
  });

  it("a malformed event is a per-event rejection in an OK answer, not a failed call", async () => {
    const { handler } = recordingHandler((input) => {
      const r = knownKernelEventInput.safeParse(input);
      return r.success ? undefined : r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    });
    const { client } = await setup({ handler }, {}, cleanup);
    const ack = await client.publish({ node: "n" });
    assert.equal(ack.accepted, 0);
    assert.equal(ack.rejected, 1);
    assert.equal(ack.errors[0]?.index, 0);
    assert.match(ack.errors[0]?.message ?? "", /^type: /);
    const pidMissing = await client.publish({ signal_kill: { sig: 9 } });
    assert.deepEqual(
      pidMissing.errors.map((e) => e.index),
      [0],
    );
    assert.match(pidMissing.errors[0]?.message ?? "", /^pid: /);
  });

  it("a client whose deadline passes mid-stream gets DEADLINE_EXCEEDED; the server carries on", async () => {
    const { handler } = recordingHandler();
    const { client } = await setup({ handler, batch: { maxDelayMs: 60_000 } }, {}, cleanup);
    await assert.rejects(client.send(forever(), { deadlineMs: 200 }), grpcError(status.DEADLINE_EXCEEDED));
    assert.equal((await client.send([ok])).accepted, 1);
  });

  it("a producer that fails mid-stream cancels the call (no Ack for a partial stream); the error is the producer's", async () => {
    const { handler, recorded } = recordingHandler();
    const { client } = await setup({ handler }, {}, cleanup);
    async function* failing(): AsyncGenerator<Event> {
      for (let i = 0; i < 5; i++) yield ok;
      // Mid-stream for sure: the server has received (and, after maxDelayMs, handed on) all five.
      await waitFor(() => recorded.inputs.length === 5, { message: "five events handed on" });
      throw new Error("tracer lost its perf buffer");
    }
    await assert.rejects(client.send(failing()), /tracer lost its perf buffer/);
    // At least once: what the server received was handed on, never more than was sent.
    assert.equal(recorded.inputs.length, 5);
    assert.equal((await client.send([ok])).accepted, 1);
  });

  it("stop() ends an open stream after the grace period instead of waiting for it", async () => {
    const { handler, recorded } = recordingHandler();
    const { server, client } = await setup({ handler }, {}, cleanup);
    const sending = client.send(forever());
    const failed = assert.rejects(sending, (err: ServiceError) => err.code === status.CANCELLED || err.code === status.UNAVAILABLE);
    await waitFor(() => recorded.inputs.length > 0, { message: "the stream is open and flowing" });
    const started = Date.now();
    await server.stop(200);
    assert.ok(Date.now() - started < 2_000, `stop took ${Date.now() - started} ms`);
    await failed;
  });
});

// gRPC ingestion (vigil.ingest.v1) into the real service: same validation and semantics as HTTP.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { JetStreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import { type Event, IngestClient } from "@vigil/ingest-grpc";
import { freePort, type NatsServerHandle, startNats } from "@vigil/testing";
import { type Ingest, natsClient, startIngest, storedEvents } from "./helpers.js";

const oomEvent = (pid: number): Event => ({
  ts_unix_nano: 1_795_323_600_000_000_000 + pid,
  oom_kill: { victim_pid: pid, victim_comm: "java", anon_rss_kb: 1024, oom_score_adj: 900 },
});

describe("ebpf-ingest: gRPC", () => {
  let nats: NatsServerHandle;
  let ingest: Ingest;
  let client: IngestClient;
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  let grpcPort: number;

  before(async () => {
    nats = await startNats();
    grpcPort = await freePort();
    ingest = await startIngest(nats.url, { INGEST_GRPC_PORT: String(grpcPort), INGEST_TOKEN: "t0ken" });
    client = new IngestClient({ target: `127.0.0.1:${grpcPort}`, token: "t0ken" });
    ({ nc, jsm } = await natsClient(nats.url));
  });
  after(async () => {
    client?.close();
    await ingest?.shutdown();
    await nc?.close();
    await nats?.stop();
  });

  it("Publish stores one event, typed from its payload, with the producer's time", async () => {
    const ack = await client.publish(oomEvent(1));
    assert.deepEqual([ack.accepted, ack.duplicates, ack.rejected], [1, 0, 0]);
    const stored = (await storedEvents(jsm)).find((s) => s.message.pid === 1)!;
    assert.equal(stored.subject, "vigil.events.kernel.node-a.oom_kill");
    assert.equal(stored.message.source, "grpc");
    assert.equal(stored.message.observedAt, "2026-11-22T05:00:00.000Z");
    const { scope, scopeReason, ...fields } = stored.message.data;
    assert.deepEqual(fields, { anonRssKb: 1024, oomScoreAdj: 900 });
    assert.ok(scope === "node" || scope === "container", "every OOM kill says whether a limit or the node ran out");
    assert.equal(typeof scopeReason, "string");
  });

  it("Send streams a batch: good events stored, bad ones reported by stream index, a resend counted once", async () => {
    const events: Event[] = [oomEvent(10), { signal_kill: { pid: 5 } }, oomEvent(12), { type: "made_up" }, oomEvent(14)];
    const ack = await client.send(events);
    assert.deepEqual([ack.accepted, ack.duplicates, ack.rejected], [3, 0, 2]);
    assert.deepEqual(
      ack.errors.map((e) => e.index),
      [1, 3],
    );
    assert.match(ack.errors[0]!.message, /invalid signal_kill event: sig/);
    assert.match(ack.errors[1]!.message, /unknown type "made_up"/);
    const again = await client.send(events);
    assert.deepEqual([again.accepted, again.duplicates], [0, 3]);
    assert.equal((await storedEvents(jsm)).filter((s) => [10, 12, 14].includes(s.message.pid!)).length, 3);
  });

  it("refuses a client without the right token (UNAUTHENTICATED)", async () => {
    for (const token of [undefined, "wrong"]) {
      const other = new IngestClient({ target: `127.0.0.1:${grpcPort}`, ...(token ? { token } : {}) });
      try {
        await assert.rejects(other.publish(oomEvent(99)), (err: { code?: number }) => err.code === 16);
      } finally {
        other.close();
      }
    }
    assert.equal((await storedEvents(jsm)).filter((s) => s.message.pid === 99).length, 0);
  });
});

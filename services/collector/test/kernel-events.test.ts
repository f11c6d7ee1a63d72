// Kernel events published by another process (as ebpf-ingest does) show up under scope=events: the window at
// start, live on /stream, only this node's, resumable by stream sequence.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { after, before, describe, it } from "node:test";
import type { KernelEventMessage } from "@vigil/contracts";
import { type NatsServerHandle, startNats, waitFor } from "@vigil/testing";
import { type Collector, SseClient, startCollector } from "./helpers.js";

const root = new URL("../../..", import.meta.url).pathname;

/** Publishes kernel events from a separate Node process through JetStream, as a producer on the node would. */
function publishFromAnotherProcess(natsUrl: string, events: Array<{ node: string; type: string; pid: number; comm: string }>): void {
  const script = `
    import { connect } from "@nats-io/transport-node";
    import { jetstream } from "@nats-io/jetstream";
    const nc = await connect({ servers: process.env.NATS });
    const js = jetstream(nc);
    for (const e of JSON.parse(process.env.EVENTS)) {
      const id = "evt-" + e.node + "-" + e.pid;
      const msg = { id, correlationId: id, node: e.node, type: e.type, observedAt: new Date().toISOString(), source: "bpftrace", pid: e.pid, comm: e.comm, data: { totalVmKb: 1024 } };
      await js.publish("vigil.events.kernel." + e.node + "." + e.type, JSON.stringify(msg), { msgID: id });
    }
    await nc.close();`;
  const res = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
    cwd: root,
    env: { ...process.env, NATS: natsUrl, EVENTS: JSON.stringify(events) },
    encoding: "utf8",
    timeout: 20_000,
  });
  assert.equal(res.status, 0, res.stderr);
}

describe("collector: this node's kernel events", () => {
  let nats: NatsServerHandle;
  let collector: Collector;

  before(async () => {
    nats = await startNats();
    collector = await startCollector(nats.url, { COLLECTOR_SAMPLE_INTERVAL: "1s" });
  });
  after(async () => {
    await collector?.shutdown();
    await nats?.stop();
  });

  const history = async (): Promise<KernelEventMessage[]> =>
    (await fetch(`${collector.url}/history?scope=events`)).json() as Promise<KernelEventMessage[]>;

  it("lists events of this node published elsewhere, not other nodes' events", async () => {
    publishFromAnotherProcess(nats.url, [
      { node: "node-a", type: "oom_kill", pid: 4242, comm: "java" },
      { node: "node-b", type: "oom_kill", pid: 7, comm: "other-node" },
      { node: "node-a", type: "container_exit", pid: 4243, comm: "sh" },
    ]);
    const events = await waitFor(async () => ((await history()).length >= 2 ? history() : undefined), {
      timeoutMs: 5_000,
      message: "events in /history",
    });
    assert.deepEqual(
      events.map((e) => [e.node, e.type, e.pid, e.comm]),
      [
        ["node-a", "oom_kill", 4242, "java"],
        ["node-a", "container_exit", 4243, "sh"],
      ],
    );
    const recent = (await (await fetch(`${collector.url}/history?scope=events&since=1m`)).json()) as KernelEventMessage[];
    assert.equal(recent.length, 2);
  });

  it("streams new events live, with the stream sequence as id, and resumes after it", async () => {
    const sse = await SseClient.open(`${collector.url}/stream?scope=events`);
    publishFromAnotherProcess(nats.url, [{ node: "node-a", type: "oom_kill", pid: 5001, comm: "postgres" }]);
    await waitFor(() => sse.frames.length >= 1, { timeoutMs: 5_000, message: "a live kernel event" });
    sse.close();
    const [frame] = sse.frames;
    assert.equal(frame!.event, "kernel_event");
    assert.match(frame!.id!, /^\d+$/);
    assert.equal((JSON.parse(frame!.data) as KernelEventMessage).pid, 5001, "only the new event, not the earlier ones");

    // Resuming from the first event of this node replays the two that followed it.
    const firstSeq = 1;
    const resumed = await SseClient.open(`${collector.url}/stream?scope=events&lastEventId=${firstSeq}`);
    await waitFor(() => resumed.frames.length >= 2, { timeoutMs: 3_000, message: "replayed events" });
    resumed.close();
    assert.deepEqual(
      resumed.frames.map((f) => (JSON.parse(f.data) as KernelEventMessage).pid),
      [4243, 5001],
    );
  });

  it("a restarted collector finds the window's events in JetStream again", async () => {
    await collector.shutdown();
    collector = await startCollector(nats.url, { COLLECTOR_SAMPLE_INTERVAL: "1s" });
    const events = await waitFor(
      async () => {
        const e = await history();
        return e.length >= 3 ? e : undefined;
      },
      { timeoutMs: 5_000, message: "events replayed from JetStream" },
    );
    assert.deepEqual(
      events.map((e) => e.pid),
      [4242, 4243, 5001],
    );
  });

  it("keeps at most COLLECTOR_HISTORY_MAX_EVENTS events in memory, the newest", async () => {
    await collector.shutdown();
    collector = await startCollector(nats.url, { COLLECTOR_SAMPLE_INTERVAL: "1s", COLLECTOR_HISTORY_MAX_EVENTS: "100" });
    publishFromAnotherProcess(
      nats.url,
      Array.from({ length: 150 }, (_, i) => ({ node: "node-a", type: "oom_kill", pid: 9000 + i, comm: "storm" })),
    );
    const events = await waitFor(
      async () => {
        const e = await history();
        return e.at(-1)?.pid === 9149 ? e : undefined;
      },
      { timeoutMs: 10_000, message: "the storm's last event" },
    );
    assert.equal(events.length, 100);
    assert.equal(events[0]!.pid, 9050);
  });
});

// The real kernel: a process exceeds the memory limit of its cgroup and is OOM-killed; the kill arrives on
// JetStream within 2 s, from the eBPF tracer (victim pid and comm) or, with BPF off, from the cgroup counters.
// Skipped only where BPF (or cgroups) are unavailable, saying why.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { JetStreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import type { KernelEventMessage } from "@vigil/contracts";
import { bpfAvailability } from "@vigil/tracers";
import { createOomVictim } from "@vigil/tracers/testing";
import { type NatsServerHandle, startNats, waitFor } from "@vigil/testing";
import { type Ingest, natsClient, startIngest, storedEvents } from "./helpers.js";

const bpf = await bpfAvailability();
const root = process.geteuid?.() === 0;
if (!bpf.available) console.log(`# eBPF OOM test skipped: ${bpf.reason}`);

describe("ebpf-ingest: OOM kills from the real kernel", () => {
  let nats: NatsServerHandle;
  let nc: NatsConnection;
  let jsm: JetStreamManager;

  before(async () => {
    nats = await startNats();
    ({ nc, jsm } = await natsClient(nats.url));
  });
  after(async () => {
    await nc?.close();
    await nats?.stop();
  });

  /** Kills a process by OOM and returns the oom_kill event that reached JetStream, and how long after the kill. */
  async function oomKillArrives(ingest: Ingest, match: (m: KernelEventMessage, victim: { pid: number; cgroupPath: string }) => boolean) {
    const victim = await createOomVictim({ limitBytes: 20 * 1024 * 1024 });
    try {
      const exit = await victim.exited;
      assert.equal(exit.signal, "SIGKILL", "the kernel OOM-killed the process");
      const event = await waitFor(
        async () => (await storedEvents(jsm)).map((s) => s.message).find((m) => m.type === "oom_kill" && match(m, victim)),
        { timeoutMs: 5_000, intervalMs: 20, message: "the oom_kill event on JetStream" },
      );
      const arrivedAfterMs = Date.now() - exit.at;
      return { event, victim, arrivedAfterMs };
    } finally {
      await victim.cleanup();
      void ingest;
    }
  }

  it(
    "eBPF: the oom tracer reports the victim's pid and comm within 2 s",
    { skip: bpf.available ? false : `BPF unavailable: ${bpf.reason}` },
    async () => {
      const ingest = await startIngest(nats.url, { NODE_NAME: "node-bpf", INGEST_TRACERS: "oom", INGEST_BPF: "auto" });
      try {
        await waitFor(
          async () => {
            const r = (await (await fetch(`${ingest.url}/readyz`)).json()) as { checks: Record<string, { detail?: string }> };
            return /oom running/.test(r.checks["kernel-evidence"]?.detail ?? "");
          },
          { timeoutMs: 60_000, intervalMs: 200, message: "the oom tracer attached" },
        );
        const { event, victim, arrivedAfterMs } = await oomKillArrives(ingest, (m, v) => m.node === "node-bpf" && m.pid === v.pid);
        assert.equal(event.comm, victim.comm);
        assert.equal(event.source, "bpftrace");
        assert.ok(arrivedAfterMs <= 2_000, `arrived ${arrivedAfterMs} ms after the kill`);
        console.log(
          `# eBPF oom_kill on JetStream ${arrivedAfterMs} ms after the kill (pid ${victim.pid}, ${victim.comm}, scope ${String(event.data.scope)})`,
        );
      } finally {
        await ingest.shutdown();
      }
    },
  );

  it(
    "without BPF: the cgroup OOM counters report the kill and its cgroup within 2 s",
    { skip: root ? false : "needs root to create a memory cgroup" },
    async () => {
      const ingest = await startIngest(nats.url, {
        NODE_NAME: "node-cg",
        INGEST_TRACERS: "oom",
        INGEST_BPF: "off",
        INGEST_CGROUP_POLL_MS: "200",
      });
      try {
        const ready = (await (await fetch(`${ingest.url}/readyz`)).json()) as {
          status: string;
          checks: Record<string, { detail?: string }>;
        };
        assert.equal(ready.status, "ready", "degraded, not down");
        assert.match(ready.checks["kernel-evidence"]?.detail ?? "", /no eBPF \(INGEST_BPF=off\): polling cgroup OOM counters/);
        const { event, victim, arrivedAfterMs } = await oomKillArrives(ingest, (m, v) => m.node === "node-cg" && m.cgroup === v.cgroupPath);
        assert.equal(event.source, "cgroup");
        assert.equal(event.data.oomKills, 1);
        assert.ok(arrivedAfterMs <= 2_000, `arrived ${arrivedAfterMs} ms after the kill`);
        console.log(`# cgroup-counter oom_kill on JetStream ${arrivedAfterMs} ms after the kill (${victim.cgroupPath})`);
      } finally {
        await ingest.shutdown();
      }
    },
  );
});

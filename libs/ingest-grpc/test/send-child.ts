// Sends events from a process of its own for the throughput test, so the client and the server each have an
// event loop (as a tracer and ebpf-ingest do) instead of sharing one. Prints {"ms":..,"accepted":..}.
import { IngestClient, type Event } from "../src/index.js";

const [target, countArg] = process.argv.slice(2);
if (!target || !countArg) throw new Error("usage: send-child.ts <target> <count>");
const count = Number(countArg);
const oom = (i: number): Event => ({
  event_id: `c-${i}`,
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
const client = new IngestClient({ target });
const events = Array.from({ length: count }, (_, i) => oom(i));
await client.send(events.slice(0, 2_000)); // connect, warm up the JIT
const started = performance.now();
const ack = await client.send(events);
const ms = performance.now() - started;
client.close();
process.stdout.write(`${JSON.stringify({ ms, accepted: ack.accepted })}\n`);

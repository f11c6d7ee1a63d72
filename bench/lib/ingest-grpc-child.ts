// The gRPC producer of `bench:ingest`, in its own process (as a tracer is): one client stream sending
// distinct oom_kill events as fast as flow control lets it for the given seconds, one event per message
// (Send) or `batch` events per message (SendBatches). Prints one JSON line.
import { type Event, IngestClient } from "@vigil/ingest-grpc";

const [target, secondsArg, tag, batchArg] = process.argv.slice(2);
const seconds = Number(secondsArg);
const batch = Number(batchArg ?? 1);
const client = new IngestClient({ target: target! });
let sent = 0;
const cgroup =
  "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1f7a9a2e_0c7e_4e0a_9a52_1b5f2a9c7d10.slice/cri-containerd-3f4e5d6c7b8a9f0e1d2c3b4a5f6e7d8c9b0a1f2e3d4c5b6a7f8e9d0c1b2a3f4e.scope";
const event = (): Event => {
  sent++;
  return {
    event_id: `${tag}-${sent}`,
    ts_unix_nano: Date.now() * 1_000_000,
    cgroup_path: cgroup,
    oom_kill: {
      victim_pid: sent,
      victim_comm: "java",
      trigger_pid: sent,
      trigger_comm: "java",
      anon_rss_kb: 262_144,
      file_rss_kb: 1024,
      total_vm_kb: 4_194_304,
      oom_score_adj: 999,
    },
  };
};
function* events(until: number): Generator<Event> {
  while (true) {
    // Checking the clock every 256 events keeps it off the per-event cost.
    if ((sent & 255) === 0 && performance.now() > until) return;
    yield event();
  }
}
function* batches(until: number): Generator<Event[]> {
  while (performance.now() < until) yield Array.from({ length: batch }, event);
}
const started = performance.now();
const until = started + seconds * 1000;
const ack = batch > 1 ? await client.sendBatches(batches(until)) : await client.send(events(until));
const elapsed = (performance.now() - started) / 1000;
client.close();
const cpu = process.cpuUsage();
process.stdout.write(
  `${JSON.stringify({ sent, seconds: elapsed, accepted: ack.accepted, duplicates: ack.duplicates, rejected: ack.rejected, cpuSeconds: (cpu.user + cpu.system) / 1e6 })}\n`,
);

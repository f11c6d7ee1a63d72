// Real kernel: a process OOM-killed in its own memory cgroup is reported by the oom tracer.
import assert from "node:assert/strict";
import { test } from "node:test";
import { waitFor } from "@vigil/testing";
import { TracerSupervisor } from "../src/index.js";
import { createOomVictim } from "../src/testing/index.js";
import { bpfSkipReason, collector, silentLog } from "./fixtures.js";

test("oom tracer: oom_kill with the victim's pid, comm and cgroup within 2 s of the kill", async (t) => {
  const skip = await bpfSkipReason();
  if (skip) return t.skip(skip);
  const sink = collector();
  const supervisor = new TracerSupervisor({ tracers: ["oom"], log: silentLog, onEvent: sink.onEvent });
  t.after(() => supervisor.stop());
  const startedAt = Date.now();
  await supervisor.start();
  const [status] = supervisor.status();
  assert.equal(status?.state, "running", `oom tracer not running: ${JSON.stringify(status)}`);

  const victim = await createOomVictim();
  t.after(() => victim.cleanup());
  const exit = await victim.exited;
  assert.equal(exit.signal, "SIGKILL", `the victim was not OOM-killed: ${JSON.stringify(exit)}`);

  const hit = await waitFor(() => sink.events.find((c) => c.event.type === "oom_kill" && c.event.victim_pid === victim.pid), {
    timeoutMs: Math.max(0, exit.at + 2000 - Date.now()),
    message: `no oom_kill for pid ${victim.pid} within 2 s (got ${JSON.stringify(sink.events.map((c) => c.event))})`,
  });
  const event = hit.event;
  assert.equal(hit.source, "bpftrace");
  assert.ok(event.type === "oom_kill");
  assert.equal(event.victim_comm, victim.comm);
  // The allocating process is its own victim, so it is also the trigger.
  assert.equal(event.trigger_pid, victim.pid);
  assert.equal(event.cgroup_path, victim.cgroupPath);
  assert.equal(event.memcg_path, undefined, "victim and trigger share the cgroup whose limit was hit");
  assert.ok(typeof event.ts === "string");
  const ts = Date.parse(event.ts);
  assert.ok(ts >= startedAt && ts <= Date.now(), `ts ${event.ts} outside the test window`);
  assert.ok(ts <= exit.at + 50, `ts ${event.ts} is after the exit was seen (${new Date(exit.at).toISOString()})`);
  if (status?.program === "oom.bt") {
    // Linux 6.8+ reports sizes: in kB, so the anon RSS sits near the 20 MiB limit, not in pages.
    assert.ok(
      event.anon_rss_kb !== undefined && event.anon_rss_kb > 10_000 && event.anon_rss_kb < 40_000,
      `anon_rss_kb ${event.anon_rss_kb}`,
    );
    assert.ok(event.total_vm_kb !== undefined && event.total_vm_kb > event.anon_rss_kb, `total_vm_kb ${event.total_vm_kb}`);
    assert.equal(typeof event.oom_score_adj, "number");
  }
});

// Real kernel, no BPF needed: the cgroup OOM counters show a kill in a fresh memory cgroup.
import assert from "node:assert/strict";
import { test } from "node:test";
import { waitFor } from "@vigil/testing";
import { CgroupOomPoller, discoverMemoryRoots } from "../src/index.js";
import { createOomVictim } from "../src/testing/index.js";
import { collector, silentLog } from "./fixtures.js";

test("cgroup OOM poller: oom_kill for the test cgroup with oom_kills 1 within 2 s", async (t) => {
  if (process.geteuid?.() !== 0) return t.skip("needs root to create memory cgroups");
  const roots = await discoverMemoryRoots();
  if (roots.length === 0) return t.skip("no memory cgroup hierarchy mounted");
  const sink = collector();
  const poller = new CgroupOomPoller({ onEvent: sink.onEvent, log: silentLog });
  t.after(() => poller.stop());
  await poller.start();
  assert.deepEqual(poller.status().roots, roots);

  const victim = await createOomVictim();
  t.after(() => victim.cleanup());
  const exit = await victim.exited;
  assert.equal(exit.signal, "SIGKILL", `the victim was not OOM-killed: ${JSON.stringify(exit)}`);

  const hit = await waitFor(() => sink.events.find((c) => c.event.type === "oom_kill" && c.event.cgroup_path === victim.cgroupPath), {
    timeoutMs: Math.max(0, exit.at + 2000 - Date.now()),
    message: `no oom_kill for ${victim.cgroupPath} within 2 s (got ${JSON.stringify(sink.events.map((c) => c.event))})`,
  });
  assert.equal(hit.source, "cgroup");
  assert.deepEqual({ ...hit.event, ts: undefined }, { type: "oom_kill", ts: undefined, cgroup_path: victim.cgroupPath, oom_kills: 1 });

  // Counted once: neither a parent cgroup nor the next two polls report the same kill again.
  const polled = poller.status().polls;
  await waitFor(() => poller.status().polls >= polled + 2, { timeoutMs: 5000, message: "two more polls" });
  const kills = sink.events.filter((c) => c.event.type === "oom_kill" && c.event.cgroup_path === victim.cgroupPath);
  assert.equal(kills.length, 1);
});

test("cgroup OOM poller: kills from before start are baselines, not events", async (t) => {
  if (process.geteuid?.() !== 0) return t.skip("needs root to create memory cgroups");
  if ((await discoverMemoryRoots()).length === 0) return t.skip("no memory cgroup hierarchy mounted");
  const victim = await createOomVictim();
  t.after(() => victim.cleanup());
  assert.equal((await victim.exited).signal, "SIGKILL");
  const sink = collector();
  const poller = new CgroupOomPoller({ onEvent: sink.onEvent, log: silentLog, intervalMs: 100 });
  t.after(() => poller.stop());
  await poller.start();
  assert.ok(poller.status().cgroups > 0);
  await waitFor(() => poller.status().polls >= 3, { message: "three polls after the baseline" });
  assert.deepEqual(
    sink.events.filter((c) => c.event.cgroup_path === victim.cgroupPath),
    [],
  );
});

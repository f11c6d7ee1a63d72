// The poller's counter bookkeeping on a directory tree laid out like cgroupfs (v2 memory.events and
// memory.events.local, v1 memory.oom_control): which file counts, deltas, new cgroups, removed ones.
import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { waitFor } from "@vigil/testing";
import { CgroupOomPoller, parseOomKills } from "../src/index.js";
import { collector, silentLog } from "./fixtures.js";

const events = (n: number) => `low 0\nhigh 0\nmax 3\noom 2\noom_kill ${n}\noom_group_kill 0\n`;
const oomControl = (n: number) => `oom_kill_disable 0\nunder_oom 0\noom_kill ${n}\n`;

test("parseOomKills: memory.events and memory.oom_control", () => {
  assert.equal(parseOomKills(events(7)), 7);
  assert.equal(parseOomKills(oomControl(0)), 0);
  assert.equal(parseOomKills("oom_group_kill 3\n"), undefined);
});

test("poller: .local counters (no double counting in parents), v1 counters, new cgroups, removed ones", async (t) => {
  const root = await mkdtemp(join(tmpdir(), "vigil-cgroupfs-"));
  t.after(() => rm(root, { recursive: true, force: true }));
  await mkdir(join(root, "a/b"), { recursive: true });
  await mkdir(join(root, "c"));
  await mkdir(join(root, "plain/deeper"), { recursive: true });
  await writeFile(join(root, "a/memory.events"), events(5));
  await writeFile(join(root, "a/memory.events.local"), events(2));
  await writeFile(join(root, "a/b/memory.events"), events(3));
  await writeFile(join(root, "a/b/memory.events.local"), events(3));
  await writeFile(join(root, "c/memory.oom_control"), oomControl(0));
  // A v2 directory without the memory controller: neither it nor its children are watched.
  await writeFile(join(root, "plain/deeper/memory.events"), events(9));

  const sink = collector();
  const poller = new CgroupOomPoller({ cgroupRoots: [root], intervalMs: 50, rescanEvery: 1, onEvent: sink.onEvent, log: silentLog });
  t.after(() => poller.stop());
  await poller.start();
  assert.equal(poller.status().cgroups, 3);

  // One kill in /a/b: the kernel bumps b's local and hierarchical counters and a's hierarchical one.
  await writeFile(join(root, "a/b/memory.events.local"), events(4));
  await writeFile(join(root, "a/b/memory.events"), events(4));
  await writeFile(join(root, "a/memory.events"), events(6));
  await writeFile(join(root, "c/memory.oom_control"), oomControl(2));
  await mkdir(join(root, "d"));
  await writeFile(join(root, "d/memory.events.local"), events(1));

  await waitFor(() => sink.events.length >= 3, { timeoutMs: 2000, message: "fewer than 3 oom_kill events" });
  // No more than these: two further polls report nothing new.
  const polled = poller.status().polls;
  await waitFor(() => poller.status().polls >= polled + 2, { timeoutMs: 2000, message: "two more polls" });
  const got = sink.events
    .map((c) => [c.source, c.event.type, c.event.cgroup_path, c.event.type === "oom_kill" ? c.event.oom_kills : 0])
    .sort();
  assert.deepEqual(got, [
    ["cgroup", "oom_kill", "/a/b", 1],
    ["cgroup", "oom_kill", "/c", 2],
    ["cgroup", "oom_kill", "/d", 1],
  ]);

  await rm(join(root, "d"), { recursive: true });
  await waitFor(() => poller.status().cgroups === 3, { timeoutMs: 2000 });
});

// Decoders fed with output lines as the programs print them; the results must pass the input schema.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { waitFor } from "@vigil/testing";
import { knownKernelEventInput } from "@vigil/contracts";
import { parseBpftraceLine, type BpftraceMessage } from "../src/bpftrace-output.js";
import { CgroupDecoder, memoryHierarchy, OomDecoder, SignalDecoder, SwapDecoder } from "../src/index.js";
import { removeCgroupDir } from "../src/testing/index.js";
import { silentLog } from "./fixtures.js";

const ID = "9e86aff9543aa405937571ac1b2893b2526f9c1c93e5f380b99d1b4ac5e5d0b6";
const POD = "4020809f-e87f-4079-b083-0ea1668b33bc";
const printf = (data: string): BpftraceMessage => parseBpftraceLine(JSON.stringify({ type: "printf", data })) as BpftraceMessage;
const valid = (events: unknown[]) => events.map((e) => knownKernelEventInput.parse(e));

test("swap: a log2 histogram in Konverse's shape, [min, max + 1) in microseconds; nothing when empty", () => {
  const d = new SwapDecoder();
  const msg = parseBpftraceLine(
    `{"type": "hist", "data": {"@us": [{"min": 8, "max": 15, "count": 2}, {"min": 16, "max": 31, "count": 0}, {"min": 32, "max": 63, "count": 1}]}}`,
  );
  const [event] = valid(d.decode(msg as BpftraceMessage));
  assert.ok(event?.type === "swap_fault_latency");
  assert.deepEqual(event.latency_distribution_us, [
    { range_start_us: 8, range_end_us: 16, count: 2 },
    { range_start_us: 16, range_end_us: 32, count: 0 },
    { range_start_us: 32, range_end_us: 64, count: 1 },
  ]);
  assert.equal(event.interval_s, 5);
  assert.deepEqual(d.decode(parseBpftraceLine(`{"type": "hist", "data": {"@us": []}}`) as BpftraceMessage), []);
  assert.deepEqual(d.decode(printf("alive\n")), []);
});

test("cgroup: one event per container directory across hierarchies; other cgroups ignored", async () => {
  const d = new CgroupDecoder(silentLog);
  const path = `/kubepods/burstable/pod${POD}/${ID}`;
  const line = (kind: string, root: number, id: number, p: string) =>
    printf(`${kind}\tns=4130814653281\troot=${root}\tlevel=4\tid=${id}\tpath=${p}\n`);
  const starts = valid([
    ...(await d.decode(line("mkdir", 4, 11523, `/kubepods/burstable/pod${POD}`))),
    ...(await d.decode(line("mkdir", 0, 82, path))),
    ...(await d.decode(line("mkdir", 4, 11524, path))),
    ...(await d.decode(line("mkdir", 8, 35, path))),
    ...(await d.decode(line("mkdir", 0, 90, "/system.slice/foo.service"))),
  ]);
  assert.equal(starts.length, 1);
  assert.deepEqual(
    { ...starts[0], ts: undefined },
    { type: "container_start", ts: undefined, cgroup_path: path, container_id: ID, pod_uid: POD, cgroup_id: 82 },
  );
  const exits = valid([...(await d.decode(line("rmdir", 4, 11524, path))), ...(await d.decode(line("rmdir", 0, 82, path)))]);
  assert.equal(exits.length, 1);
  // The v1 rmdir came first: its id is not a cgroup2 id, so none is claimed.
  assert.deepEqual(
    { ...exits[0], ts: undefined },
    { type: "container_exit", ts: undefined, cgroup_path: path, container_id: ID, pod_uid: POD },
  );
});

test("cgroup: truncated paths that cannot be looked up are dropped (recovery: cgroup-tracer.test.ts, systemd layout)", async () => {
  const d = new CgroupDecoder(silentLog);
  const cut = `/nested/${"x".repeat(120)}/kubepods/burstable/pod${POD}/${ID}`.slice(0, 199);
  assert.deepEqual(await d.decode(printf(`rmdir\tns=1\troot=0\tlevel=9\tid=7\tpath=${cut}\n`)), []);
  // No mount for root 0 is known to this decoder, so the mkdir cannot be looked up either.
  assert.deepEqual(await d.decode(printf(`mkdir\tns=1\troot=0\tlevel=9\tid=7\tpath=${cut}\n`)), []);
});

test("oom: fields of the 6.8+ program; the victim's /proc is gone, so no cgroup is claimed", async () => {
  const d = new OomDecoder(undefined, silentLog);
  const [event] = valid(
    await d.decode(
      printf(
        "oom\tns=4218006242474\tvictim_pid=999999999\ttotal_vm_kb=221368\tanon_rss_kb=20224\tfile_rss_kb=6708\tshmem_rss_kb=0\tpgtables_kb=100\toom_score_adj=-998\ttrigger_pid=12\tmemcg_id=12003\tvictim_comm=python3\ttrigger_comm=java\tmemcg_name=vigil-t1\n",
      ),
    ),
  );
  assert.ok(event?.type === "oom_kill");
  assert.deepEqual(
    { ...event, ts: undefined },
    {
      type: "oom_kill",
      ts: undefined,
      victim_pid: 999999999,
      victim_comm: "python3",
      trigger_pid: 12,
      trigger_comm: "java",
      total_vm_kb: 221368,
      anon_rss_kb: 20224,
      file_rss_kb: 6708,
      shmem_rss_kb: 0,
      pgtables_kb: 100,
      oom_score_adj: -998,
    },
  );
});

test("oom: the pid-only program; the trigger is the victim, so its comm is the victim's", async () => {
  const d = new OomDecoder(undefined, silentLog);
  const [event] = valid(await d.decode(printf("oom\tns=1\tvictim_pid=999999999\ttrigger_pid=999999999\ttrigger_comm=stress\n")));
  assert.ok(event?.type === "oom_kill");
  assert.equal(event.victim_comm, "stress");
});

test("signal: target from the tracepoint, sender from the current task", async () => {
  const d = new SignalDecoder();
  const [event] = valid(
    await d.decode(printf("kill\tns=4234493790328\tsig=9\tpid=999999999\tresult=0\tsender_pid=3276\tcomm=sleep\tsender_comm=bash\n")),
  );
  assert.deepEqual(
    { ...event, ts: undefined },
    { type: "signal_kill", ts: undefined, sig: 9, pid: 999999999, comm: "sleep", sender_pid: 3276, sender_comm: "bash", result: 0 },
  );
  assert.deepEqual(await d.decode(printf("ready\n")), []);
});

test("oom: victim and trigger in sibling cgroups: cgroup_path is the victim's, memcg_path their common parent", async (t) => {
  const hierarchy = process.geteuid?.() === 0 ? await memoryHierarchy() : undefined;
  if (!hierarchy) return t.skip("needs root and a memory cgroup hierarchy");
  const top = `/vigil-test-${process.pid}-memcg`;
  await mkdir(join(hierarchy.mountPoint, top, "victim"), { recursive: true });
  await mkdir(join(hierarchy.mountPoint, top, "trigger"));
  const victim = spawn("sh", ["-c", 'echo $$ > "$1/cgroup.procs" && exec sleep 60', "sh", join(hierarchy.mountPoint, top, "victim")], {
    stdio: "ignore",
  });
  const exited = new Promise((resolve) => victim.once("exit", resolve));
  // One hook, in order: the cgroup cannot be removed while the process is in it.
  t.after(async () => {
    victim.kill("SIGKILL");
    await exited;
    await removeCgroupDir(join(hierarchy.mountPoint, top));
  });
  const pid = victim.pid as number;
  await waitFor(() => readFile(`/proc/${pid}/cgroup`, "utf8").then((c) => c.includes(`${top}/victim`)));
  const triggerIno = (await stat(join(hierarchy.mountPoint, top, "trigger"), { bigint: true })).ino;

  const d = new OomDecoder(hierarchy.mountPoint, silentLog);
  const [event] = valid(
    await d.decode(printf(`oom\tns=1\tvictim_pid=${pid}\ttrigger_pid=1\tmemcg_id=${triggerIno}\ttrigger_comm=init\tmemcg_name=trigger\n`)),
  );
  assert.ok(event?.type === "oom_kill");
  assert.equal(event.cgroup_path, `${top}/victim`);
  assert.equal(event.memcg_path, top);
  assert.equal(event.victim_comm, "sleep", "read from /proc: the pid-only program has no victim comm");
});

// OOM scope from real files: temp host roots shaped like cgroup v2 and v1 trees, as the kernel lays them out.
import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { classifyOomScope, detectMemcgLayout, Enricher, formatBytes, readMemcg } from "../src/index.js";
import { silentLog } from "./helpers.js";

const Mi = 2 ** 20;
const Gi = 2 ** 30;
const V1_UNLIMITED = "9223372036854771712";
const uid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;
const cid = (n: number) => String(n).padStart(2, "0").repeat(32);

async function files(dir: string, content: Record<string, string | number>): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const [name, value] of Object.entries(content)) await writeFile(join(dir, name), `${value}\n`);
}

async function hostRoot(memTotalKb = 32 * 1024 * 1024): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), "vigil-enrich-oom-"));
  await files(join(root, "proc"), { meminfo: `MemTotal:       ${memTotalKb} kB\nMemFree:        1000 kB` });
  return root;
}

// ---- cgroup v2 ----
const events2 = (e: { max?: number; oom?: number; oom_kill?: number } = {}) =>
  `low 0\nhigh 0\nmax ${e.max ?? 0}\noom ${e.oom ?? 0}\noom_kill ${e.oom_kill ?? 0}\noom_group_kill 0`;
interface V2Cgroup {
  max?: number | "max";
  current?: number;
  peak?: number;
  events?: { max?: number; oom?: number; oom_kill?: number };
  local?: { max?: number; oom?: number; oom_kill?: number };
}
const v2 = (c: V2Cgroup) => ({
  "memory.max": c.max ?? "max",
  "memory.current": c.current ?? 0,
  ...(c.peak !== undefined ? { "memory.peak": c.peak } : {}),
  "memory.events": events2(c.events),
  "memory.events.local": events2(c.local ?? c.events),
});
const v2pod = (n: number, qos = "burstable") =>
  `/kubepods.slice/kubepods-${qos}.slice/kubepods-${qos}-pod${uid(n).replaceAll("-", "_")}.slice`;
const v2ctr = (n: number, qos = "burstable") => `${v2pod(n, qos)}/cri-containerd-${cid(n)}.scope`;

describe("classifyOomScope on a cgroup v2 tree", () => {
  let root: string;
  const cg = (p: string) => join(root, "sys/fs/cgroup", p);
  before(async () => {
    root = await hostRoot();
    await files(cg(""), { "cgroup.controllers": "cpuset cpu io memory hugetlb pids rdma misc" });
    await files(cg("/kubepods.slice"), v2({ max: 30 * Gi, current: 3 * Gi }));
    await files(cg("/kubepods.slice/kubepods-burstable.slice"), v2({ current: 2 * Gi }));
    await files(cg("/kubepods.slice/kubepods-besteffort.slice"), v2({}));
    // 1: container at its 256Mi limit, one memcg OOM.
    await files(cg(v2pod(1)), v2({ max: 384 * Mi, current: 20 * Mi, events: { oom: 1, oom_kill: 1, max: 9 }, local: {} }));
    await files(cg(v2ctr(1)), v2({ max: 256 * Mi, current: 12 * Mi, peak: 256 * Mi, events: { max: 9, oom: 1, oom_kill: 1 } }));
    // 2: BestEffort, no limit anywhere.
    await files(cg(v2pod(2, "besteffort")), v2({ current: 900 * Mi }));
    await files(cg(v2ctr(2, "besteffort")), v2({ current: 880 * Mi, events: { oom_kill: 1 } }));
    // 3: a 1Gi limit the container was nowhere near: a global OOM picked it.
    await files(cg(v2pod(3)), v2({ max: 1 * Gi, current: 60 * Mi }));
    await files(cg(v2ctr(3)), v2({ max: 1 * Gi, current: 40 * Mi, peak: 120 * Mi, events: { oom_kill: 1 } }));
    // 4: no container limit, a pod-level limit hit (every container has a limit... but one set via the pod).
    await files(
      cg(v2pod(4)),
      v2({ max: 512 * Mi, current: 500 * Mi, events: { oom: 1, oom_kill: 1, max: 3 }, local: { oom: 1, oom_kill: 0, max: 3 } }),
    );
    await files(cg(v2ctr(4)), v2({ current: 300 * Mi, events: { oom_kill: 1 } }));
    // 5: the container's cgroup is already gone; the pod's hierarchical count saw its memcg OOM.
    await files(cg(v2pod(5)), v2({ current: 10 * Mi, events: { oom: 2, oom_kill: 2 }, local: {} }));
    // 6: gone as well, and the pod never saw a memcg OOM below it.
    await files(cg(v2pod(6)), v2({ current: 10 * Mi, events: { oom_kill: 1 }, local: {} }));
    // 7: a limit above the node's memory cannot be hit.
    await files(cg(v2pod(7)), v2({}));
    await files(cg(v2ctr(7)), v2({ max: 64 * Gi, current: 2 * Gi }));
    // 8: close to a limit, no counters to confirm.
    await files(cg(v2pod(8)), v2({}));
    await files(cg(v2ctr(8)), v2({ max: 256 * Mi, current: 180 * Mi }));
    // 9: outside Kubernetes, a systemd service with MemoryMax=.
    await files(cg("/system.slice/batch.service"), v2({ max: 100 * Mi, current: 99 * Mi, events: { max: 4, oom: 1, oom_kill: 1 } }));
  });
  after(() => rm(root, { recursive: true, force: true }));

  it("detects the layout", () => {
    assert.deepEqual(detectMemcgLayout(root), { version: 2, base: join(root, "sys/fs/cgroup") });
    const s = readMemcg(detectMemcgLayout(root)!, v2ctr(1));
    assert.equal(s.limitBytes, 256 * Mi);
    assert.equal(s.oomLocal, 1);
    assert.equal(s.peakBytes, 256 * Mi);
  });

  it("a container limit hit → container, with the limit and the evidence in the reason", () => {
    const r = classifyOomScope({ cgroupPath: v2ctr(1), victimRssKb: 240 * 1024, hostRoot: root });
    assert.equal(r.scope, "container");
    assert.equal(r.evidence, "cgroup");
    assert.equal(r.memcg, v2ctr(1));
    assert.equal(r.limitBytes, 256 * Mi);
    assert.equal(
      r.reason,
      `memcg limit 256Mi hit (memory.max) at ${v2ctr(1)}: memory.events.local oom 1, memory.events max 9, peak 256Mi, usage 12Mi + victim rss 240Mi`,
    );
  });

  it("no limit from the container up to its pod → node", () => {
    const r = classifyOomScope({ cgroupPath: v2ctr(2, "besteffort"), hostRoot: root });
    assert.equal(r.scope, "node");
    assert.equal(
      r.reason,
      `no memory limit on ${v2ctr(2, "besteffort")} or its pod (${v2pod(2, "besteffort")}): only a node-wide OOM kills there`,
    );
  });

  it("usage plus the victim's pages far below the limit → node", () => {
    const r = classifyOomScope({ cgroupPath: v2ctr(3), victimRssKb: 100 * 1024, hostRoot: root });
    assert.equal(r.scope, "node");
    assert.match(
      r.reason,
      /^usage 40Mi \+ victim rss 100Mi far below the memcg limit 1Gi \(memory\.max\) at .*: not a limit kill, a node-wide OOM$/,
    );
  });

  it("a pod-level limit hit → container scope too", () => {
    const r = classifyOomScope({ cgroupPath: v2ctr(4), hostRoot: root });
    assert.equal(r.scope, "container");
    assert.equal(r.memcg, v2pod(4));
    assert.match(r.reason, /^memcg limit 512Mi hit \(memory\.max\) at .*\.slice \(pod-level limit\): memory\.events\.local oom 1/);
  });

  it("the container's cgroup already removed: the pod's hierarchical OOM count decides", () => {
    const gone = `${v2pod(5)}/cri-containerd-${cid(5)}.scope`;
    const r = classifyOomScope({ cgroupPath: gone, hostRoot: root });
    assert.equal(r.scope, "container");
    assert.equal(r.reason, `memcg OOM below ${v2pod(5)} (memory.events oom 2); ${gone} already removed`);
    const r6 = classifyOomScope({ cgroupPath: `${v2pod(6)}/cri-containerd-${cid(6)}.scope`, hostRoot: root });
    assert.equal(r6.scope, "node");
    assert.match(r6.reason, /^no memcg OOM at or below .* \(memory\.events oom 0\)/);
  });

  it("a limit above the node's memory counts as none", () => {
    assert.equal(classifyOomScope({ cgroupPath: v2ctr(7), hostRoot: root }).scope, "node");
  });

  it("close to a limit without counters → container, said as such", () => {
    const r = classifyOomScope({ cgroupPath: v2ctr(8), hostRoot: root });
    assert.equal(r.scope, "container");
    assert.match(r.reason, /usage 180Mi \(70%\): close to the limit, no OOM count to confirm$/);
  });

  it("outside Kubernetes: a service's MemoryMax is a memcg limit as well", () => {
    const r = classifyOomScope({ cgroupPath: "/sys/fs/cgroup/system.slice/batch.service", hostRoot: root });
    assert.equal(r.scope, "container");
    assert.match(r.reason, /^memcg limit 100Mi hit \(memory\.max\) at \/system\.slice\/batch\.service/);
  });

  it("the kernel's constraint wins; a memcg constraint still names the limit", () => {
    const none = classifyOomScope({ constraint: "none", cgroupPath: v2ctr(1), hostRoot: root });
    assert.deepEqual(none, { scope: "node", evidence: "constraint", reason: "global OOM: the node ran out of memory (CONSTRAINT_NONE)" });
    assert.equal(classifyOomScope({ constraint: "cpuset", hostRoot: root }).scope, "node");
    assert.equal(classifyOomScope({ constraint: "memory_policy", hostRoot: root }).scope, "node");
    const memcg = classifyOomScope({ constraint: "memcg", cgroupPath: v2ctr(4), hostRoot: root });
    assert.equal(memcg.scope, "container");
    assert.equal(memcg.reason, `memcg limit 512Mi hit (memory.max) at ${v2pod(4)} (CONSTRAINT_MEMCG)`);
    const named = classifyOomScope({ constraint: "memcg", cgroupPath: v2ctr(1), memcgPath: v2pod(1), hostRoot: root });
    assert.equal(named.memcg, v2pod(1));
    assert.match(named.reason, /^memcg limit 384Mi hit/);
    // Without files (the cgroup is gone), the constraint alone still says it.
    assert.deepEqual(classifyOomScope({ constraint: "memcg", hostRoot: root }), {
      scope: "container",
      evidence: "constraint",
      reason: "memcg limit hit (CONSTRAINT_MEMCG)",
    });
  });

  it("kubepods' own limit is node allocatable: node scope however the kernel counted it", () => {
    const byConstraint = classifyOomScope({
      constraint: "memcg",
      memcgPath: "/kubepods.slice",
      cgroupPath: v2ctr(2, "besteffort"),
      hostRoot: root,
    });
    assert.equal(byConstraint.scope, "node");
    assert.match(byConstraint.reason, /^node allocatable limit 30Gi hit \(memory\.max\) at \/kubepods\.slice/);
    const byFiles = classifyOomScope({ memcgPath: "/kubepods.slice", hostRoot: root });
    assert.equal(byFiles.scope, "node");
    assert.match(byFiles.reason, /^node allocatable limit 30Gi/);
  });

  it("nothing to go on: a guess, marked as one", () => {
    const noPath = classifyOomScope({ hostRoot: root });
    assert.equal(noPath.evidence, "none");
    const noTree = classifyOomScope({ cgroupPath: v2ctr(1), hostRoot: join(root, "proc") });
    assert.deepEqual(noTree, {
      scope: "container",
      evidence: "none",
      reason: `no memory cgroup hierarchy under ${join(root, "proc")}/sys/fs/cgroup; assumed a container limit, the usual cause in a pod`,
    });
    const podGone = classifyOomScope({ cgroupPath: v2ctr(99), hostRoot: root });
    assert.equal(podGone.evidence, "none");
    assert.match(podGone.reason, /and its parents up to the pod are gone/);
  });

  it("Enricher.classifyOom uses its host root", async () => {
    const enricher = new Enricher({ node: "n", hostRoot: root, log: silentLog });
    assert.equal(enricher.classifyOom({ cgroupPath: v2ctr(1) }).scope, "container");
    assert.equal(enricher.classifyOom({ cgroupPath: v2ctr(2, "besteffort") }).scope, "node");
    await enricher.stop();
  });
});

// ---- cgroup v1 ----
interface V1Cgroup {
  limit?: number;
  usage?: number;
  maxUsage?: number;
  failcnt?: number;
  oomKill?: number;
}
const v1 = (c: V1Cgroup) => ({
  "memory.limit_in_bytes": c.limit ?? V1_UNLIMITED,
  "memory.usage_in_bytes": c.usage ?? 0,
  "memory.max_usage_in_bytes": c.maxUsage ?? c.usage ?? 0,
  "memory.failcnt": c.failcnt ?? 0,
  "memory.oom_control": `oom_kill_disable 0\nunder_oom 0\noom_kill ${c.oomKill ?? 0}`,
});
const v1pod = (n: number) => `/kubepods/burstable/pod${uid(n)}`;
const v1ctr = (n: number) => `${v1pod(n)}/${cid(n)}`;

describe("classifyOomScope on a cgroup v1 tree (cgroupfs driver)", () => {
  let root: string;
  const mem = (p: string) => join(root, "sys/fs/cgroup/memory", p);
  before(async () => {
    root = await hostRoot();
    // v1 hosts have a tmpfs at /sys/fs/cgroup with a directory per controller, and no cgroup.controllers.
    await files(join(root, "sys/fs/cgroup/cpu"), { "cpu.shares": 1024 });
    await files(mem(""), v1({ usage: 8 * Gi }));
    await files(mem("/kubepods"), v1({ limit: 30 * Gi, usage: 29 * Gi, maxUsage: 30 * Gi, failcnt: 40 }));
    await files(mem("/kubepods/burstable"), v1({ usage: 20 * Gi }));
    await files(mem(v1pod(1)), v1({ usage: 30 * Mi }));
    await files(mem(v1ctr(1)), v1({ limit: 256 * Mi, usage: 10 * Mi, maxUsage: 256 * Mi, failcnt: 12, oomKill: 1 }));
    await files(mem(v1pod(2)), v1({ usage: 900 * Mi }));
    await files(mem(v1ctr(2)), v1({ usage: 880 * Mi, oomKill: 1 }));
    await files(mem(v1pod(3)), v1({ limit: 2 * Gi, usage: 30 * Mi }));
    await files(mem(v1ctr(3)), v1({ limit: 1 * Gi, usage: 10 * Mi, maxUsage: 20 * Mi, oomKill: 1 }));
    await files(mem(v1pod(4)), v1({ usage: 10 * Mi }));
    await files(mem(v1pod(5)), v1({ limit: 512 * Mi, usage: 300 * Mi, maxUsage: 512 * Mi, failcnt: 3 }));
  });
  after(() => rm(root, { recursive: true, force: true }));

  it("detects the layout", () => {
    assert.deepEqual(detectMemcgLayout(root), { version: 1, base: join(root, "sys/fs/cgroup/memory") });
  });

  it("a container limit hit → container (failcnt, peak at the limit)", () => {
    const r = classifyOomScope({ cgroupPath: `/sys/fs/cgroup/memory${v1ctr(1)}`, hostRoot: root });
    assert.equal(r.scope, "container");
    assert.equal(r.reason, `memcg limit 256Mi hit (memory.limit_in_bytes) at ${v1ctr(1)}: failcnt 12, peak 256Mi`);
  });

  it("v1's 'unlimited' (2^63 - page) up to the pod → node, noting a hit node allocatable limit", () => {
    const r = classifyOomScope({ cgroupPath: v1ctr(2), hostRoot: root });
    assert.equal(r.scope, "node");
    assert.equal(
      r.reason,
      `no memory limit on ${v1ctr(2)} or its pod (${v1pod(2)}): only a node-wide OOM kills there; node allocatable limit 30Gi reached (memory.limit_in_bytes) at /kubepods`,
    );
  });

  it("far below the container limit → node", () => {
    const r = classifyOomScope({ cgroupPath: v1ctr(3), victimRssKb: 50 * 1024, hostRoot: root });
    assert.equal(r.scope, "node");
    assert.match(r.reason, /^usage 10Mi \+ victim rss 50Mi far below the memcg limit 1Gi/);
  });

  it("the container's cgroup gone: a pod-level limit with hits → container; otherwise v1 cannot tell", () => {
    const r5 = classifyOomScope({ cgroupPath: `${v1pod(5)}/${cid(5)}`, hostRoot: root });
    assert.equal(r5.scope, "container");
    assert.match(r5.reason, /^memcg limit 512Mi hit \(memory\.limit_in_bytes\) at .* \(pod-level limit\): failcnt 3, peak 512Mi$/);
    const r4 = classifyOomScope({ cgroupPath: `${v1pod(4)}/${cid(4)}`, hostRoot: root });
    assert.equal(r4.evidence, "none");
    assert.equal(r4.scope, "container");
    assert.match(r4.reason, /already removed and cgroup v1 keeps no OOM count above it/);
  });
});

describe("formatBytes", () => {
  it("reads like a Kubernetes quantity", () => {
    assert.equal(formatBytes(256 * Mi), "256Mi");
    assert.equal(formatBytes(1.5 * Gi), "1.5Gi");
    assert.equal(formatBytes(256 * Mi - 4096), "255.9Mi");
    assert.equal(formatBytes(512), "512B");
    assert.equal(formatBytes(2 ** 40), "1Ti");
  });
});

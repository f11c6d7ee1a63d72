// OOM scope against this machine's real cgroup tree: a real memory cgroup shaped like a Kubernetes container
// (kubepods/burstable/pod<uid>/<id>, cgroupfs driver) with a real limit, a real process OOM-killed at that
// limit by the kernel, then classified from what the kernel left in the files. Needs root and a writable
// memory hierarchy (v1 here; v2 works too); skipped otherwise. Everything created is removed.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { classifyOomScope, detectMemcgLayout, readMemcg, type MemcgLayout } from "../src/index.js";

const layout = detectMemcgLayout("/");
const UID = "7d2c9e4a-1b3f-4a5c-8d6e-9f0a1b2c3d4e";
const ID = "feedface".repeat(8);
const top = `/vigil-enrich-test-${process.pid}`;
const pod = `${top}/kubepods/burstable/pod${UID}`;
const limited = `${pod}/${ID}`;
const unlimited = `${pod}/${"beefcafe".repeat(8)}`;
const LIMIT = 64 * 2 ** 20;

function skipReason(): string | undefined {
  if (process.getuid?.() !== 0) return "needs root";
  if (!layout) return "no memory cgroup hierarchy";
  try {
    mkdirSync(join(layout.base, top));
  } catch (err) {
    return `cannot create a memory cgroup: ${(err as Error).message}`;
  }
  return undefined;
}

function create(l: MemcgLayout, path: string): void {
  const parts = path.split("/").filter(Boolean);
  for (let i = 1; i <= parts.length; i++) {
    const dir = join(l.base, ...parts.slice(0, i));
    if (!existsSync(dir)) mkdirSync(dir);
    // v2: a child only has memory files when its parent delegates the controller.
    if (l.version === 2 && i < parts.length) writeFileSync(join(dir, "cgroup.subtree_control"), "+memory");
  }
}

/** Runs a process in `path` that allocates until the kernel kills it; resolves with its exit signal. */
function runHog(l: MemcgLayout, path: string): Promise<NodeJS.Signals | null> {
  const procs = join(l.base, path, "cgroup.procs");
  // The shell moves itself into the cgroup, then becomes the hog (same pid): nothing else is charged there.
  const hog = "const a = []; for (;;) a.push(Buffer.alloc(8 << 20, 1));";
  const child = spawn("/bin/sh", ["-c", `echo $$ > '${procs}' && exec '${process.execPath}' -e '${hog}'`], { stdio: "ignore" });
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("exit", (_code, signal) => resolve(signal));
  });
}

const skip = skipReason();

describe("classifyOomScope on this machine's cgroup tree", { skip }, () => {
  const l = layout!;
  before(() => {
    create(l, limited);
    create(l, unlimited);
    writeFileSync(join(l.base, limited, l.version === 2 ? "memory.max" : "memory.limit_in_bytes"), String(LIMIT));
    // No swap for the hog either, so the limit is the end of it (v1 needs memsw for that, v2 has memory.swap.max).
    if (l.version === 2 && existsSync(join(l.base, limited, "memory.swap.max")))
      writeFileSync(join(l.base, limited, "memory.swap.max"), "0");
  });
  after(() => {
    for (const p of [limited, unlimited, pod, `${top}/kubepods/burstable`, `${top}/kubepods`, top]) {
      try {
        rmdirSync(join(l.base, p));
      } catch {
        // already gone, or still busy: nothing more to do in a test
      }
    }
    assert.equal(existsSync(join(l.base, top)), false, "the test cgroups are removed");
  });

  it(`the kernel OOM-kills a process at a ${LIMIT >> 20}Mi limit, and the files say container scope`, async () => {
    const signal = await runHog(l, limited);
    assert.equal(signal, "SIGKILL", "killed by the OOM killer");
    const stats = readMemcg(l, limited);
    assert.equal(stats.limitBytes, LIMIT);
    assert.ok((stats.oomKills ?? 0) >= 1 || (stats.oomLocal ?? 0) >= 1, `the kernel counted the kill: ${JSON.stringify(stats)}`);
    const r = classifyOomScope({
      cgroupPath: `/sys/fs/cgroup/${l.version === 1 ? "memory" : ""}${limited}`.replace("//", "/"),
      hostRoot: "/",
    });
    assert.equal(r.scope, "container", r.reason);
    assert.equal(r.evidence, "cgroup");
    assert.ok(
      r.reason.startsWith(`memcg limit 64Mi hit (${l.version === 1 ? "memory.limit_in_bytes" : "memory.max"}) at ${limited}: `),
      r.reason,
    );
    console.log(`  real host (cgroup v${l.version}): ${r.reason}`);
  });

  it("a sibling without a limit, up to the pod: node scope", () => {
    const r = classifyOomScope({ cgroupPath: unlimited, hostRoot: "/" });
    assert.equal(r.scope, "node", r.reason);
    assert.ok(r.reason.startsWith(`no memory limit on ${unlimited} or its pod (${pod})`), r.reason);
  });

  it("the machine's own layout is what detectMemcgLayout found", () => {
    const v2Memory =
      existsSync("/sys/fs/cgroup/cgroup.controllers") && readFileSync("/sys/fs/cgroup/cgroup.controllers", "utf8").includes("memory");
    assert.equal(l.version, v2Memory ? 2 : 1);
  });
});

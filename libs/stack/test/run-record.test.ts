// One stack per data dir: a second one is refused while the first runs, and what a killed one left running (its
// services, in process groups of their own) is stopped by the next start.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { claimDataDir } from "@vigil/stack";
import { waitFor } from "@vigil/testing";

/** A long-running node process whose command line names `label`, in a process group of its own. */
function sleeper(label: string) {
  const child = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)", label], { detached: true, stdio: "ignore" });
  child.unref();
  return child;
}

const gone = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return false;
  } catch {
    return true;
  }
};

test("a live stack keeps its data dir; a dead one's leftovers are stopped; stop() releases it", async (t) => {
  const dir = await mkdtemp(join(tmpdir(), "vigil-run-record-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const otherStack = sleeper("other-stack");
  const leftover = sleeper("webhook");
  t.after(() => {
    for (const c of [otherStack, leftover]) if (c.pid && !gone(c.pid)) process.kill(-c.pid, "SIGKILL");
  });
  const file = join(dir, "run.json");
  const record = (pid: number) =>
    writeFile(
      file,
      JSON.stringify({ pid, startedAt: "2026-12-08T01:00:00.000Z", processes: [{ name: "webhook", pid: leftover.pid, group: true }] }),
    );

  await record(otherStack.pid!);
  await assert.rejects(
    claimDataDir(dir, () => {}),
    new RegExp(`another Vigil stack \\(pid ${otherStack.pid}, .*stop it first, or give this one its own VIGIL_DATA_DIR`),
  );
  assert.equal(gone(leftover.pid!), false, "nothing is touched while the other stack runs");

  process.kill(otherStack.pid!, "SIGKILL");
  await waitFor(() => gone(otherStack.pid!), { message: "the other stack killed" });
  await record(otherStack.pid!);
  const notes: string[] = [];
  const run = await claimDataDir(dir, (line) => notes.push(line));
  await waitFor(() => gone(leftover.pid!), { message: "the leftover service stopped" });
  assert.match(
    notes.join("\n"),
    new RegExp(`stopped what an earlier run \\(pid ${otherStack.pid}\\) left running: webhook \\(pid ${leftover.pid}\\)`),
  );
  await run.release();
  assert.equal(existsSync(file), false);
});

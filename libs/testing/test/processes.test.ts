import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { runCommand, spawnTracked, waitFor } from "../src/index.js";
import { canConnect } from "../src/ports.js";

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

test("spawnTracked keeps a log tail and reports early exits with it", async () => {
  const proc = spawnTracked("sh", ["-c", "echo hello; echo oops >&2; exit 3"], { name: "demo" });
  await assert.rejects(proc.waitForLine(/never printed/, 5_000), (err: Error) => {
    assert.match(err.message, /demo exited \(exit code 3\)/);
    assert.match(err.message, /hello\noops|oops\nhello/);
    return true;
  });
  assert.equal(proc.running, false);
});

test("stop() escalates to SIGKILL when the signal is ignored", async () => {
  const proc = spawnTracked("sh", ["-c", "trap '' TERM; echo up; while true; do sleep 0.1; done"], { name: "stubborn" });
  await proc.waitForLine(/up/, 5_000);
  const info = await proc.stop("SIGTERM", 300);
  assert.equal(info.signal, "SIGKILL");
});

test("runCommand throws with the command output on failure", async () => {
  const ok = await runCommand("sh", ["-c", "echo fine"]);
  assert.equal(ok.output, "fine");
  await assert.rejects(runCommand("sh", ["-c", "echo broken >&2; exit 1"]), /failed \(exit code 1\)[\s\S]*broken/);
});

// The real guarantee: a test process that ends without stopping its servers leaves nothing behind
// (no process, no port, no temp dir).
const fixture = fileURLToPath(new URL("./fixtures/leaky.ts", import.meta.url));
const nodeArgs = ["--conditions=@vigil/source", "--import", "tsx", fixture];

for (const mode of ["exit", "SIGTERM"] as const) {
  test(`children and temp dirs are cleaned up when the test process ends (${mode})`, { timeout: 60_000 }, async () => {
    const res = spawnSync(process.execPath, [...nodeArgs, mode], { encoding: "utf8", timeout: 50_000 });
    const line = res.stdout.split("\n").find((l) => l.startsWith("{"));
    assert.ok(line, `fixture printed no state; stderr:\n${res.stderr}`);
    const state = JSON.parse(line) as { sleepPid: number; dir: string; natsPort: number; pgPort: number; pgDir?: string };
    if (mode === "SIGTERM") assert.equal(res.signal, "SIGTERM", "signal must still terminate the process");
    await waitFor(() => !isAlive(state.sleepPid), { timeoutMs: 5_000, message: "tracked child survived" });
    assert.equal(existsSync(state.dir), false, "temp dir survived");
    await waitFor(async () => !(await canConnect(state.natsPort)), { timeoutMs: 5_000, message: "nats-server survived" });
    await waitFor(async () => !(await canConnect(state.pgPort)), { timeoutMs: 10_000, message: "postgres survived" });
    if (state.pgDir) assert.equal(existsSync(state.pgDir), false, "postgres temp dir survived");
  });
}

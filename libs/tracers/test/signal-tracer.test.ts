// Real kernel: kill -9 of a process is reported with the target's pid.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import { test } from "node:test";
import { waitFor } from "@vigil/testing";
import { TracerSupervisor } from "../src/index.js";
import { bpfSkipReason, collector, silentLog } from "./fixtures.js";

test("signal tracer: kill -9 of `sleep 60` gives signal_kill with its pid", async (t) => {
  const skip = await bpfSkipReason();
  if (skip) return t.skip(skip);
  const sink = collector();
  const supervisor = new TracerSupervisor({ tracers: ["signal"], log: silentLog, onEvent: sink.onEvent });
  t.after(() => supervisor.stop());
  await supervisor.start();
  assert.equal(supervisor.status()[0]?.state, "running", JSON.stringify(supervisor.status()));

  const sleeper = spawn("sleep", ["60"], { stdio: "ignore" });
  t.after(() => sleeper.kill("SIGKILL"));
  const pid = sleeper.pid as number;
  // Wait for the exec so the target's comm is "sleep", not the forked node.
  await waitFor(() => readFile(`/proc/${pid}/comm`, "utf8").then((c) => c.trim() === "sleep"));
  const exited = new Promise((resolve) => sleeper.once("exit", (_code, signal) => resolve(signal)));
  process.kill(pid, "SIGKILL");
  assert.equal(await exited, "SIGKILL");

  const hit = await waitFor(() => sink.events.find((c) => c.event.type === "signal_kill" && c.event.pid === pid), {
    timeoutMs: 2000,
    message: `no signal_kill for ${pid}`,
  });
  assert.ok(hit.event.type === "signal_kill");
  assert.equal(hit.event.sig, 9);
  assert.equal(hit.event.comm, "sleep");
  assert.equal(hit.event.sender_pid, process.pid);
  assert.equal(hit.event.result, 0);
});

// Real bpftrace: missing attach points are skipped with a reason, a dying tracer is restarted with
// backoff and keeps delivering, and stop() leaves no bpftrace behind.
import assert from "node:assert/strict";
import { test } from "node:test";
import { childPidsNamed, waitFor } from "@vigil/testing";
import { SignalDecoder, TracerSupervisor, builtinTracers, type TracerDefinition } from "../src/index.js";
import { bpfSkipReason, collector, silentLog } from "./fixtures.js";

const READY = `interval:ms:100 /@ready == 0/ { @ready = 1; printf("ready\\n"); }\nEND { clear(@ready); }\n`;

/** Declares a probe this kernel lacks: caught by the up-front check. */
const bogusChecked: TracerDefinition = {
  name: "bogus-checked",
  variants: [
    { program: { source: `tracepoint:vigil_bogus:nothing { }\n${READY}` }, requires: [{ probe: "tracepoint:vigil_bogus:nothing" }] },
  ],
  prepare: async () => ({ decoder: new SignalDecoder() }),
};

/** Does not declare it: bpftrace's startup error is classified instead. */
const bogusUndeclared: TracerDefinition = {
  name: "bogus-undeclared",
  variants: [{ program: { source: `tracepoint:vigil_bogus:nothing { }\n${READY}` }, requires: [] }],
  prepare: async () => ({ decoder: new SignalDecoder() }),
};

/** Emits one valid signal_kill record, then exits: every run is a crash to restart from. */
const dying: TracerDefinition = {
  name: "dying",
  variants: [
    {
      program: {
        source:
          `interval:ms:200 { printf("kill\\tns=%llu\\tsig=9\\tpid=%d\\tresult=0\\tsender_pid=%d\\tcomm=%s\\tsender_comm=%s\\n", nsecs, 4242, pid, "victim", comm); exit(); }\n` +
          READY,
      },
      requires: [],
    },
  ],
  prepare: async () => ({ decoder: new SignalDecoder() }),
};

test("supervisor: tracers with missing attach points are skipped with a reason; the others run", async (t) => {
  const skip = await bpfSkipReason();
  if (skip) return t.skip(skip);
  const sink = collector();
  const supervisor = new TracerSupervisor({
    definitions: [...builtinTracers, bogusChecked, bogusUndeclared],
    tracers: ["signal", "bogus-checked", "bogus-undeclared"],
    log: silentLog,
    onEvent: sink.onEvent,
    restart: { baseMs: 50, maxMs: 200 },
  });
  t.after(() => supervisor.stop());
  await supervisor.start();
  const byName = new Map(supervisor.status().map((s) => [s.name, s]));
  assert.equal(byName.get("signal")?.state, "running");
  assert.equal(byName.get("bogus-checked")?.state, "skipped");
  assert.match(byName.get("bogus-checked")?.reason ?? "", /tracepoint:vigil_bogus:nothing is not available on this kernel/);
  assert.equal(byName.get("bogus-undeclared")?.state, "skipped");
  assert.match(byName.get("bogus-undeclared")?.reason ?? "", /tracepoint not found: vigil_bogus:nothing/);
  assert.equal(byName.get("bogus-undeclared")?.restarts, 0, "a missing attach point is not retried");
  assert.equal(byName.get("oom")?.state, "disabled");
  assert.equal(byName.get("swap")?.state, "disabled");

  // Still skipped later: no restart loop. Proves nothing happens, hence a clock wait: 10 times the 50 ms backoff base.
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(supervisor.status().find((s) => s.name === "bogus-undeclared")?.restarts, 0);
});

test("supervisor: a tracer that dies is restarted with backoff and its events keep coming", async (t) => {
  const skip = await bpfSkipReason();
  if (skip) return t.skip(skip);
  const sink = collector();
  const supervisor = new TracerSupervisor({
    definitions: [dying],
    log: silentLog,
    onEvent: sink.onEvent,
    restart: { baseMs: 100, maxMs: 400 },
  });
  t.after(() => supervisor.stop());
  await supervisor.start();

  await waitFor(() => sink.events.filter((c) => c.event.type === "signal_kill" && c.event.pid === 4242).length >= 3, {
    timeoutMs: 20_000,
    message: `fewer than 3 events across restarts: ${JSON.stringify(supervisor.status())}`,
  });
  const [status] = supervisor.status();
  assert.ok((status?.restarts ?? 0) >= 2, JSON.stringify(status));
  assert.ok(status?.state === "running" || status?.state === "restarting", JSON.stringify(status));
  assert.equal(status?.invalid, 0);
  // Restarts are spaced by the backoff, not immediate: three runs need at least 100 + 200 ms of waiting.
  const times = sink.events.map((c) => c.at);
  assert.ok((times[2] as number) - (times[0] as number) >= 300, `events at ${times.join(", ")}`);
});

test("supervisor: stop() leaves no bpftrace processes", async (t) => {
  const skip = await bpfSkipReason();
  if (skip) return t.skip(skip);
  const supervisor = new TracerSupervisor({ tracers: ["oom", "cgroup", "signal"], log: silentLog, onEvent: () => {} });
  await supervisor.start();
  const running = supervisor.status().filter((s) => s.state === "running");
  assert.equal(running.length, 3, JSON.stringify(supervisor.status()));
  const pids = running.map((s) => s.pid);
  assert.deepEqual(childPidsNamed("bpftrace").sort(), [...pids].sort());
  await supervisor.stop();
  assert.deepEqual(childPidsNamed("bpftrace"), []);
  assert.ok(supervisor.status().every((s) => s.pid === undefined && s.state !== "running"));
});

test("supervisor: unknown tracer names are a configuration error", () => {
  assert.throws(() => new TracerSupervisor({ tracers: ["oom", "nope"], log: silentLog, onEvent: () => {} }), /unknown tracer\(s\) nope/);
});

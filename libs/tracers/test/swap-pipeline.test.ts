// swap.bt cannot attach on a kernel without BPF trampolines, but its histogram logic can still be run
// for real: the same program with its kfunc/kretfunc probes swapped for clock_nanosleep's syscall
// tracepoints, fed by `sleep`, must come out as a swap_fault_latency histogram.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { test } from "node:test";
import { promisify } from "node:util";
import { waitFor } from "@vigil/testing";
import { PROGRAMS_DIR, SwapDecoder, TracerSupervisor, type TracerDefinition } from "../src/index.js";
import { checkRequirements } from "../src/probes.js";
import { bpfSkipReason, collector, silentLog } from "./fixtures.js";

test("swap.bt's histogram pipeline, on substitute probes: a 5 s log2 histogram in microseconds", async (t) => {
  const skip = await bpfSkipReason();
  if (skip) return t.skip(skip);
  const enter = "tracepoint:syscalls:sys_enter_clock_nanosleep";
  const exit = "tracepoint:syscalls:sys_exit_clock_nanosleep";
  const check = await checkRequirements("bpftrace", [{ probe: enter }, { probe: exit }], false);
  if (!check.ok) return t.skip(check.reason);
  const source = (await readFile(new URL("swap.bt", PROGRAMS_DIR), "utf8"))
    .replace("kfunc:do_swap_page", enter)
    .replace("kretfunc:do_swap_page", exit);
  assert.ok(source.includes(enter) && source.includes(exit));
  const def: TracerDefinition = {
    name: "swap-substitute",
    variants: [{ program: { source }, requires: [] }],
    prepare: async () => ({ decoder: new SwapDecoder() }),
  };
  const sink = collector();
  const supervisor = new TracerSupervisor({ definitions: [def], log: silentLog, onEvent: sink.onEvent });
  t.after(() => supervisor.stop());
  await supervisor.start();
  assert.equal(supervisor.status()[0]?.state, "running", JSON.stringify(supervisor.status()));

  // coreutils sleep uses clock_nanosleep; 20 ms sleeps land in the [16384, 32768) us bucket.
  for (let i = 0; i < 3; i++) await promisify(execFile)("sleep", ["0.02"]);
  const hit = await waitFor(() => sink.events.find((c) => c.event.type === "swap_fault_latency"), {
    timeoutMs: 11_000,
    message: "no histogram within two 5 s intervals",
  });
  assert.ok(hit.event.type === "swap_fault_latency");
  assert.equal(hit.event.interval_s, 5);
  const buckets = hit.event.latency_distribution_us;
  for (const b of buckets) {
    assert.ok(b.range_end_us > b.range_start_us);
    // log2 buckets: [0,1), [1,2), then [2^k, 2^(k+1)).
    assert.ok(b.range_start_us === 0 || b.range_end_us === b.range_start_us * 2, JSON.stringify(b));
  }
  // A sleep is never shorter than asked, but on a loaded machine it can be much longer: the three land at 16384 us
  // or above (in microseconds: a unit slip would put them near 16-32), not necessarily all in the first bucket.
  const slow = buckets.filter((b) => b.range_start_us >= 16384).reduce((n, b) => n + b.count, 0);
  assert.ok(slow >= 3, JSON.stringify(buckets));
});

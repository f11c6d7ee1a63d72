import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { release, totalmem, uptime } from "node:os";
import { describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { nodeSampleMessage } from "@vigil/contracts";
import { NodeSampler, readText } from "../src/index.js";

/** Every number under a key ending in "Rate" or "Pct", and every vmstat value. */
function rates(value: unknown, key = "", out: Array<[string, number]> = []): Array<[string, number]> {
  if (typeof value === "number" && (key.endsWith("Rate") || key.endsWith("Pct") || key.startsWith("vmstat."))) out.push([key, value]);
  else if (value && typeof value === "object")
    for (const [k, v] of Object.entries(value)) rates(v, Array.isArray(value) ? key : key.endsWith("vmstat") ? `vmstat.${k}` : k, out);
  return out;
}

describe("NodeSampler against this machine's /", () => {
  it("two samples 200 ms apart: fields present, rates sane, valid messages", async () => {
    const sampler = new NodeSampler({ node: "this-machine" });
    const first = sampler.sample();
    await sleep(200); // the interval under measurement (rates are per elapsed time), not a wait for a condition
    const second = sampler.sample();

    for (const s of [first, second]) {
      const parsed = nodeSampleMessage.safeParse({ id: "n_1", correlationId: "n_1", ...s });
      assert.ok(parsed.success, JSON.stringify(parsed.error?.issues));
    }
    assert.ok((second.intervalMs ?? 0) >= 190, `intervalMs ${second.intervalMs}`);
    assert.ok(first.topProcesses && first.topProcesses.length > 0);

    const cpu = second.cpu;
    assert.ok(cpu, "cpu");
    assert.ok(cpu.perCpuPct.length >= 1);
    assert.equal(second.memory?.MemTotal, totalmem());
    assert.ok(second.vmstat && second.vmstat.pgfault !== undefined);
    assert.ok(second.load && second.load.one >= 0);
    assert.equal(second.system?.kernel, release());
    assert.ok(Math.abs((second.system?.uptimeSeconds ?? 0) - uptime()) < 5);
    assert.ok((first.system?.processes ?? 0) > 0, "the 1st sample lists processes");
    assert.equal(second.system?.processes, undefined, "listed again on the topEvery-th sample only");
    assert.ok(second.network?.some((n) => n.iface === "lo"));
    assert.ok(second.disks, "disks");

    // PSI is there exactly when the kernel offers it.
    assert.equal(second.psi?.cpu !== undefined, readText("/proc/pressure/cpu") !== undefined);
    if (existsSync("/proc/pressure/memory") && second.psi?.memory) assert.ok(second.psi.memory.some.totalRate !== undefined);

    const all = rates(second);
    assert.ok(all.length > 20, `${all.length} rates`);
    for (const [key, v] of all) {
      assert.ok(Number.isFinite(v) && v >= 0, `${key} = ${v}`);
      if (key.endsWith("Pct")) assert.ok(v <= 100, `${key} = ${v}`);
    }
  });
});

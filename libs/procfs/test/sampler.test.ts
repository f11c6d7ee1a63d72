import assert from "node:assert/strict";
import { mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { nodeSampleMessage } from "@vigil/contracts";
import { NodeSampler } from "../src/index.js";
import { FakeClock, fakeFsCalls, fixture, samplePair } from "./helpers.js";

// The two captures of this machine are 4.96 s apart (their /proc/uptime: 2259.95 and 2264.91).
// Expected rates are the counter deltas of the committed files divided by 4.96, rounded to 3 decimals
// (percentages 2, PSI fractions 4).
const ELAPSED_MS = 4960;

describe("NodeSampler on two real captures", () => {
  const { first, second } = samplePair("this-machine", ELAPSED_MS);

  it("the first sample has gauges but no rates and no interval", () => {
    assert.equal(first.intervalMs, undefined);
    for (const field of ["cpu", "vmstat", "disks", "network", "networkTotal"] as const) assert.equal(first[field], undefined, field);
    assert.deepEqual(first.load, { one: 0.45, five: 0.76, fifteen: 0.7, running: 2, blocked: 0 });
    assert.equal(first.memory?.MemTotal, 24684096 * 1024);
    assert.deepEqual(first.psi?.io?.some, { avg10: 0.47, avg60: 0.31, avg300: 1.28 });
    assert.deepEqual(first.system, {
      uptimeSeconds: 2259.95,
      bootTime: "2026-11-29T23:46:26.000Z",
      processes: 6,
      kernel: "6.18.44-fc-v595",
      os: "Debian GNU/Linux 12 (bookworm)",
    });
  });

  it("interval and timestamp come from the clock", () => {
    assert.equal(second.intervalMs, ELAPSED_MS);
    assert.equal(second.ts, "2026-01-01T00:00:04.960Z");
    assert.equal(second.node, "node-1");
  });

  it("CPU percentages from tick deltas (guest excluded, steal counted as busy)", () => {
    // cpu deltas: user 98, system 95, idle 607, iowait 183, softirq 6 → 989 ticks.
    assert.deepEqual(second.cpu, {
      totalPct: 20.12, // (98 + 95 + 6) / 989
      userPct: 9.91,
      systemPct: 10.21,
      iowaitPct: 18.5,
      stealPct: 0,
      perCpuPct: [3.85, 36.16],
    });
  });

  it("vmstat rates", () => {
    assert.deepEqual(second.vmstat, {
      pswpin: 0,
      pswpout: 0,
      pgfault: 7957.056, // 39467 / 4.96
      pgmajfault: 2.823, // 14 / 4.96
      pgpgin: 149150.806, // 739788 KiB / 4.96
      pgpgout: 9915.323,
      oom_kill: 0,
      pgscan: 0,
      pgsteal: 0,
      allocstall: 0,
    });
  });

  it("PSI: kernel averages and the interval's stall fraction", () => {
    assert.deepEqual(second.psi, {
      cpu: {
        some: { avg10: 1.41, avg60: 1.06, avg300: 5.99, totalRate: 0.0212601 }, // 105450 µs / 4.96 s
        full: { avg10: 0, avg60: 0, avg300: 0, totalRate: 0 },
      },
      memory: {
        some: { avg10: 0, avg60: 0, avg300: 0, totalRate: 0 },
        full: { avg10: 0, avg60: 0, avg300: 0, totalRate: 0 },
      },
      io: {
        some: { avg10: 11.48, avg60: 2.79, avg300: 1.8, totalRate: 0.315026 }, // 1562530 µs
        full: { avg10: 10.97, avg60: 2.64, avg300: 1.61, totalRate: 0.303557 }, // 1505642 µs
      },
    });
  });

  it("disks: only vda (loop* and zram0 skipped), bytes from 512-byte sectors", () => {
    assert.deepEqual(second.disks, [
      {
        device: "vda",
        readBytesRate: 152716387.097, // 1479440 sectors * 512 / 4.96
        writeBytesRate: 10153290.323, // 98360 sectors
        readOpsRate: 759.677, // 3768
        writeOpsRate: 3.629, // 18
        ioTimePct: 40.16, // 1992 ms busy
        readAwaitMs: 4.584, // 17274 ms / 3768
        writeAwaitMs: 14.889, // 268 ms / 18
      },
    ]);
  });

  it("network: every interface listed; the total is eth0 alone (lo's 26 MB excluded)", () => {
    const zero = {
      rxBytesRate: 0,
      txBytesRate: 0,
      rxPacketsRate: 0,
      txPacketsRate: 0,
      rxErrorsRate: 0,
      txErrorsRate: 0,
      rxDropsRate: 0,
      txDropsRate: 0,
    };
    assert.deepEqual(second.network, [
      { iface: "lo", ...zero, rxBytesRate: 5372535.484, txBytesRate: 5372535.484, rxPacketsRate: 155.645, txPacketsRate: 155.645 },
      { iface: "ifb0", ...zero },
      { iface: "ifb1", ...zero },
      { iface: "eth0", ...zero },
    ]);
    assert.deepEqual(second.networkTotal, zero);
  });

  it("top processes by RSS, largest first, kernel threads left out", () => {
    assert.deepEqual(first.topProcesses, [
      { pid: 2974, comm: "beam.smp", rssBytes: 31399 * 4096 },
      { pid: 3813, comm: "mariadbd", rssBytes: 25728 * 4096 },
      { pid: 2226, comm: "postgres", rssBytes: 7770 * 4096 },
      { pid: 2985, comm: "nats-server", rssBytes: 3345 * 4096 },
      { pid: 1, comm: "process_api", rssBytes: 2902 * 4096 },
    ]);
    assert.equal(second.topProcesses, undefined, "only every 5th sample by default");
  });

  it("both samples validate against nodeSampleMessage", () => {
    for (const s of [first, second]) {
      const parsed = nodeSampleMessage.safeParse({ id: "n_1", correlationId: "n_1", ...s });
      assert.ok(parsed.success, JSON.stringify(parsed.error?.issues));
    }
  });
});

describe("NodeSampler timing", () => {
  it("no rates when the clock has not moved", () => {
    const clock = new FakeClock();
    const root = fixture("this-machine-t0");
    const sampler = new NodeSampler({ node: "n", hostRoot: root, clock, fsCalls: fakeFsCalls(root, {}) });
    sampler.sample();
    const again = sampler.sample();
    assert.equal(again.intervalMs, undefined);
    assert.equal(again.cpu, undefined);
    assert.equal(again.vmstat, undefined);
    assert.equal(again.disks, undefined);
    assert.equal(again.psi?.cpu?.some.totalRate, undefined);
  });

  it("top processes on the 1st sample and every topEvery-th after; topN 0 turns them off", () => {
    const clock = new FakeClock();
    const root = fixture("this-machine-t0");
    const sampler = new NodeSampler({
      node: "n",
      hostRoot: root,
      clock,
      topN: 2,
      topEvery: 3,
      pageSize: 4096,
      fsCalls: fakeFsCalls(root, {}),
    });
    const has = Array.from({ length: 7 }, () => {
      clock.advance(1000);
      return sampler.sample().topProcesses?.length;
    });
    assert.deepEqual(has, [2, undefined, undefined, 2, undefined, undefined, 2]);
    const off = new NodeSampler({ node: "n", hostRoot: root, clock, topN: 0, fsCalls: fakeFsCalls(root, {}) });
    assert.equal(off.sample().topProcesses, undefined);
  });

  it("without /sys mounted: no disks (partitions cannot be told apart) and no network total, the rest as usual", () => {
    const dir = mkdtempSync(join(tmpdir(), "procfs-nosys-"));
    try {
      const clock = new FakeClock();
      const sampler = new NodeSampler({ node: "n", hostRoot: dir, clock, fsCalls: fakeFsCalls(dir, {}) });
      symlinkSync(join(fixture("this-machine-t0"), "proc"), join(dir, "proc"));
      sampler.sample();
      rmSync(join(dir, "proc"));
      symlinkSync(join(fixture("this-machine-t1"), "proc"), join(dir, "proc"));
      clock.advance(ELAPSED_MS);
      const s = sampler.sample();
      assert.equal(s.disks, undefined);
      assert.equal(s.networkTotal, undefined);
      assert.equal(s.network?.length, 4);
      assert.equal(s.cpu?.totalPct, 20.12);
      assert.equal(s.system?.os, undefined, "no etc/os-release under this root");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a host root with nothing in it gives a sample with only node and ts", () => {
    const sampler = new NodeSampler({ node: "n", hostRoot: "/nonexistent-host-root", clock: new FakeClock() });
    assert.deepEqual(sampler.sample(), { node: "n", ts: "2026-01-01T00:00:00.000Z" });
  });
});

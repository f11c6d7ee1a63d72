import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { nodeSampleMessage } from "@vigil/contracts";
import { type NodeSample, pressureSample, vmstatRates } from "../src/index.js";
import { fakeFsCalls, samplePair } from "./helpers.js";

const valid = (s: NodeSample): void => {
  const parsed = nodeSampleMessage.safeParse({ id: "n_1", correlationId: "n_1", ...s });
  assert.ok(parsed.success, JSON.stringify(parsed.error?.issues));
};

const usage = { bsize: 4096, blocks: 1000, bfree: 250, bavail: 200, files: 100, ffree: 75 };

describe("old kernel (4.4): no PSI, no swap, zone-split reclaim counters, fallback paths", () => {
  // 10 s apart. net/dev only at proc/net/dev, mountinfo only at proc/self, os-release only in usr/lib.
  const { first, second } = samplePair("old-kernel", 10_000, {
    fsCalls: (root) => fakeFsCalls(root, { "/": { major: 8, minor: 1, usage } }),
  });

  it("no /proc/pressure: psi absent, not zero", () => {
    assert.equal(second.psi, undefined);
  });

  it("vmstat: per-zone pgscan/pgsteal summed, throttle excluded, single allocstall, no oom_kill before 4.13", () => {
    assert.deepEqual(second.vmstat, {
      pswpin: 0, // swap counters exist and did not move: a real zero
      pswpout: 0,
      pgfault: 4500,
      pgmajfault: 3,
      pgpgin: 100,
      pgpgout: 5120,
      pgscan: 95, // kswapd_dma32 +100, kswapd_normal +800, direct_normal +50 (direct_throttle +7 not counted)
      pgsteal: 76, // kswapd_dma32 +80, kswapd_normal +640, direct_normal +40
      allocstall: 0.2,
    });
    assert.equal(second.memory?.SwapTotal, 0);
    assert.equal(second.memory?.SwapFree, 0);
  });

  it("CPU: guest time is not counted twice", () => {
    // cpu3: 900 user ticks of which 600 guest, 80 system, 20 softirq, no idle → 100 % busy over 1000 ticks.
    assert.deepEqual(second.cpu, { totalPct: 57, userPct: 45, systemPct: 12, iowaitPct: 1.25, stealPct: 0, perCpuPct: [71, 41, 16, 100] });
  });

  it("disks from 14-column diskstats: sda and sr0; sda1 and loop0 skipped", () => {
    assert.deepEqual(second.disks, [
      {
        device: "sda",
        readBytesRate: 1048576,
        writeBytesRate: 10485760,
        readOpsRate: 20,
        writeOpsRate: 100,
        ioTimePct: 25,
        readAwaitMs: 5,
        writeAwaitMs: 3,
      },
      { device: "sr0", readBytesRate: 0, writeBytesRate: 0, readOpsRate: 0, writeOpsRate: 0, ioTimePct: 0 },
    ]);
  });

  it("network from /proc/net/dev when /proc/1/net/dev is missing; total is eth0", () => {
    assert.deepEqual(
      second.network?.map((n) => n.iface),
      ["lo", "eth0", "docker0", "veth1a2b3c4"],
    );
    assert.deepEqual(second.networkTotal, {
      rxBytesRate: 200000,
      txBytesRate: 50000,
      rxPacketsRate: 150,
      txPacketsRate: 100,
      rxErrorsRate: 0,
      txErrorsRate: 0,
      rxDropsRate: 0.1,
      txDropsRate: 0,
    });
  });

  it("mounts from /proc/self/mountinfo, os from /usr/lib/os-release", () => {
    assert.deepEqual(second.filesystems, [
      {
        mountpoint: "/",
        device: "/dev/sda1",
        fstype: "ext4",
        sizeBytes: 4096000,
        usedBytes: 3072000,
        availBytes: 819200,
        readOnly: false,
        inodesUsedPct: 25,
      },
    ]);
    assert.deepEqual(second.system, {
      uptimeSeconds: 864010,
      bootTime: "2023-11-14T22:13:20.000Z",
      kernel: "4.4.0-210-generic",
      os: "Ubuntu 16.04.7 LTS",
    });
    assert.equal(first.system?.processes, 1, "processes are counted when /proc is listed: the 1st sample, then every topEvery-th");
    assert.deepEqual(second.load, { one: 1.24, five: 1.11, fifteen: 1, running: 2, blocked: 1 });
    valid(second);
  });
});

describe("big node (5.10): 64 CPUs, one going offline, Calico and bonded NICs, many block devices", () => {
  const { first, second } = samplePair("big-node", 1000, { topN: 4 });

  it("per-CPU percentages for 64 CPUs; the CPU that went offline is null", () => {
    const per = second.cpu?.perCpuPct ?? [];
    assert.equal(per.length, 64);
    assert.deepEqual(per.slice(0, 3), [23, 24, 25]);
    assert.equal(per[62], 85);
    assert.equal(per[63], null);
    // 63 online CPUs × 100 ticks: user 2583, system 630, iowait 32, steal 189.
    assert.deepEqual(
      { ...second.cpu, perCpuPct: undefined },
      { totalPct: 54, userPct: 41, systemPct: 10, iowaitPct: 0.51, stealPct: 3, perCpuPct: undefined },
    );
    assert.deepEqual(second.load, { one: 41.1, five: 38.09, fifteen: 30.01, running: 38, blocked: 5 });
  });

  it("PSI before 5.13: cpu has no full line", () => {
    assert.deepEqual(second.psi, {
      cpu: { some: { avg10: 22.61, avg60: 18.34, avg300: 12.03, totalRate: 0.25 } },
      memory: {
        some: { avg10: 1.21, avg60: 0.81, avg300: 0.4, totalRate: 0.012 },
        full: { avg10: 0.51, avg60: 0.3, avg300: 0.1, totalRate: 0.005 },
      },
      io: { some: { avg10: 8, avg60: 6.01, avg300: 4, totalRate: 0.08 }, full: { avg10: 4, avg60: 3, avg300: 2, totalRate: 0.04 } },
    });
  });

  it("vmstat: pgscan/pgsteal from kswapd+direct+khugepaged, not the anon/file split", () => {
    assert.deepEqual(second.vmstat, {
      pgpgin: 40960,
      pgpgout: 81920,
      pswpin: 120,
      pswpout: 800,
      allocstall: 5,
      pgfault: 250000,
      pgmajfault: 900,
      pgsteal: 2700,
      pgscan: 3500,
      oom_kill: 1,
    });
    assert.equal(second.memory?.SwapTotal, 2097148 * 1024);
    assert.equal(second.memory?.SwapFree, 1048572 * 1024);
  });

  it("disks: whole devices only (no partitions, loop, ram, zram); dm and md kept", () => {
    assert.deepEqual(second.disks, [
      {
        device: "nvme0n1",
        readBytesRate: 1048576,
        writeBytesRate: 4194304,
        readOpsRate: 100,
        writeOpsRate: 400,
        ioTimePct: 30,
        readAwaitMs: 0.5,
        writeAwaitMs: 1,
      },
      // 1003 busy ms in 1000 ms: the clocks disagree by a few ms, the percentage stops at 100.
      {
        device: "nvme1n1",
        readBytesRate: 0,
        writeBytesRate: 209715200,
        readOpsRate: 0,
        writeOpsRate: 2000,
        ioTimePct: 100,
        writeAwaitMs: 5,
      },
      { device: "dm-0", readBytesRate: 409600, writeBytesRate: 0, readOpsRate: 50, writeOpsRate: 0, ioTimePct: 8, readAwaitMs: 2 },
      { device: "md0", readBytesRate: 0, writeBytesRate: 0, readOpsRate: 0, writeOpsRate: 0, ioTimePct: 0 },
      { device: "sda", readBytesRate: 0, writeBytesRate: 0, readOpsRate: 0, writeOpsRate: 0, ioTimePct: 0 },
    ]);
  });

  it("network: interfaces in both reads are listed; the total counts the bond's two NICs once", () => {
    assert.deepEqual(
      second.network?.map((n) => n.iface),
      [
        "lo",
        "eth0",
        "eth1",
        "bond0",
        "bond0.100",
        "tunl0",
        "vxlan.calico",
        "kube-ipvs0",
        "nodelocaldns",
        "docker0",
        "cali0a1b2c3d4e5",
        "cali1f2e3d4c5b6",
        "cali9a8b7c6d5e4",
        "veth3f2a1b0",
      ],
    );
    assert.deepEqual(
      second.network?.find((n) => n.iface === "bond0"),
      {
        iface: "bond0",
        rxBytesRate: 1500000,
        txBytesRate: 500000,
        rxPacketsRate: 1200,
        txPacketsRate: 800,
        rxErrorsRate: 0,
        txErrorsRate: 0,
        rxDropsRate: 3,
        txDropsRate: 0,
      },
    );
    // eth0 + eth1 only: summing every interface would add bond0, the vlan, vxlan and the pods' cali* again.
    assert.deepEqual(second.networkTotal, {
      rxBytesRate: 1500000,
      txBytesRate: 500000,
      rxPacketsRate: 1200,
      txPacketsRate: 800,
      rxErrorsRate: 0,
      txErrorsRate: 0,
      rxDropsRate: 3,
      txDropsRate: 0,
    });
  });

  it("top processes: comm with spaces and UTF-8, kernel threads and vanished processes skipped", () => {
    assert.deepEqual(first.topProcesses, [
      { pid: 3456, comm: "java", rssBytes: 1048576 * 4096 },
      { pid: 4567, comm: "my app (v2)", rssBytes: 98765 * 4096 },
      { pid: 5678, comm: "café-worker", rssBytes: 65432 * 4096 },
      { pid: 2345, comm: "containerd", rssBytes: 51234 * 4096 },
    ]);
    assert.equal(first.system?.processes, 9);
    assert.equal(first.system?.os, "Amazon Linux 2");
  });

  it("no statfs answers: filesystems absent rather than an empty list", () => {
    assert.equal(second.filesystems, undefined);
    valid(first);
    valid(second);
  });
});

describe("counters that go backwards give no rate, never a negative one", () => {
  // this machine's captures with resets edited in (see fixtures/README.md); 4.96 s apart.
  const { second } = samplePair("counter-reset", 4960);

  it("vmstat: pgfault reset → pgfault absent, the others unaffected", () => {
    assert.equal(second.vmstat?.pgfault, undefined);
    assert.equal(second.vmstat?.pgmajfault, 2.823);
    assert.equal(second.vmstat?.pgpgin, 149150.806);
  });

  it("network: eth0 rx bytes wrapped at 2^32 → that counter absent, on the interface and in the total", () => {
    const eth0 = second.network?.find((n) => n.iface === "eth0");
    assert.equal(eth0?.rxBytesRate, undefined);
    assert.equal(eth0?.rxPacketsRate, 25); // 124 packets / 4.96 s
    assert.equal(eth0?.txBytesRate, 0);
    assert.equal(second.networkTotal?.rxBytesRate, undefined);
    assert.equal(second.networkTotal?.rxPacketsRate, 25);
  });

  it("disk: io ticks and read ms wrapped → ioTimePct and readAwaitMs absent, byte and op rates kept", () => {
    assert.deepEqual(second.disks, [
      {
        device: "vda",
        readBytesRate: 152716387.097,
        writeBytesRate: 10153290.323,
        readOpsRate: 759.677,
        writeOpsRate: 3.629,
        writeAwaitMs: 14.889,
      },
    ]);
  });

  it("cpu1's iowait stepped back → cpu1 null; the aggregate still advanced and is reported", () => {
    // aggregate deltas: user 98, system 95, idle 607, iowait 3, softirq 6 → 809 ticks.
    assert.deepEqual(second.cpu, {
      totalPct: 24.6,
      userPct: 12.11,
      systemPct: 12.48,
      iowaitPct: 0.37,
      stealPct: 0,
      perCpuPct: [3.85, null],
    });
    valid(second);
  });

  it("pure functions: PSI total and vmstat aggregates going backwards", () => {
    const line = (total: number) => ({ avg10: 1, avg60: 1, avg300: 1, total });
    assert.deepEqual(pressureSample({ some: line(5_000_000) }, { some: line(1_000) }, 1), { some: { avg10: 1, avg60: 1, avg300: 1 } });
    // One zone's counter reset is enough to drop the summed rate, even though the sum still grew.
    const prev = new Map([
      ["pgscan_kswapd_normal", 100],
      ["pgscan_kswapd_dma32", 50],
    ]);
    const cur = new Map([
      ["pgscan_kswapd_normal", 10],
      ["pgscan_kswapd_dma32", 500],
    ]);
    assert.equal(vmstatRates(prev, cur, 1), undefined);
  });

  it("PSI totalRate keeps a steady stall under 50 µs/s (it read 0 at 4 decimals)", () => {
    const line = (total: number) => ({ avg10: 0, avg60: 0, avg300: 0, total });
    // 30 µs stalled in 1 s, then 7 µs over 10 s.
    assert.equal(pressureSample({ some: line(1_000) }, { some: line(1_030) }, 1)?.some.totalRate, 0.00003);
    assert.equal(pressureSample({ some: line(1_000) }, { some: line(1_007) }, 10)?.some.totalRate, 7e-7);
    assert.equal(pressureSample({ some: line(1_000) }, { some: line(1_000) }, 1)?.some.totalRate, 0, "no stall is 0");
  });
});

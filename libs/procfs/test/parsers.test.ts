import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { describe, it } from "node:test";
import {
  isWholeDisk,
  parseAuxvPageSize,
  parseDiskstats,
  parseKernelRelease,
  parseLoadavg,
  parseMeminfo,
  parseNetDev,
  parseOsRelease,
  parsePressure,
  parseStat,
  parseStatm,
  parseUptime,
  parseVmstat,
  selectMemory,
  systemPageSize,
} from "../src/index.js";
import { read } from "./helpers.js";

// Exact values read off the committed captures of a real machine (Linux 6.18, 2 CPUs) and, for formats
// this machine does not produce, of the hand-made fixtures (see fixtures/README.md).
const T0 = "this-machine-t0";

describe("parsers on real /proc captures", () => {
  it("parseStat: aggregate and per-CPU times without guest, btime, run queue", () => {
    const stat = parseStat(read(T0, "proc/stat"));
    assert.deepEqual(stat.total, [80709, 0, 15000, 350755, 1769, 0, 432, 65]);
    assert.deepEqual(stat.perCpu, [
      [41322, 0, 6779, 176263, 151, 0, 123, 30],
      [39387, 0, 8220, 174492, 1617, 0, 309, 35],
    ]);
    assert.equal(stat.bootTime, 1795995986);
    assert.equal(stat.procsRunning, 2);
    assert.equal(stat.procsBlocked, 0);
  });

  it("parseStat: 64 CPUs with a 600-column intr line, and one CPU offline", () => {
    const t0 = parseStat(read("big-node-t0", "proc/stat"));
    assert.equal(t0.perCpu.length, 64);
    assert.deepEqual(t0.perCpu[63], [563000, 6300, 231500, 8874000, 3063, 0, 4630, 2000]);
    const t1 = parseStat(read("big-node-t1", "proc/stat"));
    assert.equal(t1.perCpu.length, 63);
    assert.equal(t1.procsBlocked, 5);
  });

  it("parseMeminfo: kB to bytes, unitless counts kept, kernel names as keys", () => {
    const m = parseMeminfo(read(T0, "proc/meminfo"));
    assert.equal(m.MemTotal, 24684096 * 1024);
    assert.equal(m.MemAvailable, 24011164 * 1024);
    assert.equal(m["Active(file)"], 196524 * 1024);
    assert.equal(m.VmallocTotal, 34359738367 * 1024);
    assert.equal(m.HugePages_Total, 0);
    assert.equal(Object.keys(m).length, 54);
    const selected = selectMemory(m);
    assert.deepEqual(Object.keys(selected ?? {}).length, 23);
    assert.equal(selected?.SwapTotal, 0);
    assert.equal(selected?.Committed_AS, m.Committed_AS);
  });

  it("parseVmstat: every counter of the file", () => {
    const v = parseVmstat(read(T0, "proc/vmstat"));
    assert.equal(v.size, 192);
    assert.equal(v.get("nr_free_pages"), 1216021);
    assert.equal(v.get("pgfault"), 16057827);
    assert.equal(v.get("pgmajfault"), 2068);
    assert.equal(v.get("pgpgin"), 2340641);
    assert.equal(v.get("oom_kill"), 0);
    assert.equal(v.get("nr_unstable"), 0);
  });

  it("parsePressure: some and full with avg and total (µs)", () => {
    assert.deepEqual(parsePressure(read(T0, "proc/pressure/cpu")), {
      some: { avg10: 1.42, avg60: 1.0, avg300: 6.08, total: 152528235 },
      full: { avg10: 0, avg60: 0, avg300: 0, total: 0 },
    });
    assert.deepEqual(parsePressure(read(T0, "proc/pressure/io")), {
      some: { avg10: 0.47, avg60: 0.31, avg300: 1.28, total: 16677512 },
      full: { avg10: 0.47, avg60: 0.29, avg300: 1.12, total: 14677881 },
    });
    // Before 5.13 the cpu file has no full line.
    assert.deepEqual(parsePressure(read("big-node-t0", "proc/pressure/cpu")), {
      some: { avg10: 22.5, avg60: 18.31, avg300: 12.02, total: 981234567 },
    });
  });

  it("parseDiskstats: 17-column lines (6.x), 20-column (5.5+) and 14-column (before 4.18)", () => {
    const disks = parseDiskstats(read(T0, "proc/diskstats"));
    assert.deepEqual(
      disks.map((d) => d.device),
      ["loop0", "loop1", "loop2", "loop3", "loop4", "loop5", "loop6", "loop7", "vda", "zram0"],
    );
    assert.deepEqual(
      disks.find((d) => d.device === "vda"),
      {
        device: "vda",
        reads: 137778,
        sectorsRead: 4681418,
        readMs: 104345,
        writes: 34632,
        sectorsWritten: 3334264,
        writeMs: 23779,
        ioMs: 27504,
      },
    );
    assert.equal(parseDiskstats(read("big-node-t0", "proc/diskstats")).length, 15);
    assert.deepEqual(parseDiskstats(read("old-kernel-t0", "proc/diskstats"))[0], {
      device: "sda",
      reads: 120000,
      sectorsRead: 9600000,
      readMs: 400000,
      writes: 300000,
      sectorsWritten: 48000000,
      writeMs: 2000000,
      ioMs: 900000,
    });
  });

  it("isWholeDisk: /sys/block entries minus loop, ram, zram", () => {
    const sysBlock = new Set(["nvme0n1", "nvme1n1", "loop0", "ram0", "zram0", "dm-0", "md0", "sda", "cciss!c0d0"]);
    const whole = parseDiskstats(read("big-node-t0", "proc/diskstats")).filter((d) => isWholeDisk(d.device, sysBlock));
    assert.deepEqual(
      whole.map((d) => d.device),
      ["nvme0n1", "nvme1n1", "dm-0", "md0", "sda"],
    );
    assert.equal(isWholeDisk("cciss/c0d0", sysBlock), true);
    assert.equal(isWholeDisk("cciss/c0d0p1", sysBlock), false);
  });

  it("parseNetDev: every interface with rx/tx bytes, packets, errors, drops", () => {
    const net = parseNetDev(read(T0, "proc/1/net/dev"));
    assert.deepEqual(
      net.map((n) => n.iface),
      ["lo", "ifb0", "ifb1", "eth0"],
    );
    assert.deepEqual(net[3], {
      iface: "eth0",
      rxBytes: 281840168,
      rxPackets: 8667,
      rxErrors: 0,
      rxDrops: 0,
      txBytes: 1337895,
      txPackets: 7593,
      txErrors: 0,
      txDrops: 0,
    });
    const big = parseNetDev(read("big-node-t0", "proc/1/net/dev"));
    assert.equal(big.length, 15);
    assert.deepEqual(
      big.find((n) => n.iface === "eth1"),
      {
        iface: "eth1",
        rxBytes: 801234567890,
        rxPackets: 701234567,
        rxErrors: 2,
        rxDrops: 20,
        txBytes: 601234567890,
        txPackets: 501234567,
        txErrors: 0,
        txDrops: 0,
      },
    );
    // Old kernels print the first number right after the colon when the name is long.
    assert.deepEqual(parseNetDev("h1\nh2\nveth1234567:12 3 0 0 0 0 0 0 45 6 0 0 0 0 0 0\n")[0]?.rxBytes, 12);
  });

  it("loadavg, uptime, kernel release, os-release", () => {
    assert.deepEqual(parseLoadavg(read(T0, "proc/loadavg")), { one: 0.45, five: 0.76, fifteen: 0.7 });
    assert.equal(parseUptime(read(T0, "proc/uptime")), 2259.95);
    assert.equal(parseKernelRelease(read(T0, "proc/sys/kernel/osrelease")), "6.18.44-fc-v595");
    assert.equal(parseOsRelease(read(T0, "etc/os-release")), "Debian GNU/Linux 12 (bookworm)");
    assert.equal(parseOsRelease(read("old-kernel-t0", "usr/lib/os-release")), "Ubuntu 16.04.7 LTS");
    assert.equal(parseOsRelease("NAME=Flatcar\nVERSION='3815.2.0'\n"), "Flatcar 3815.2.0");
    assert.equal(parseOsRelease('PRETTY_NAME="Say \\"hi\\""\n'), 'Say "hi"');
    assert.equal(parseOsRelease("ID=x\n"), undefined);
    assert.equal(parseLoadavg("garbage"), undefined);
  });

  it("parseStatm: resident pages", () => {
    assert.equal(parseStatm(read(T0, "proc/3813/statm")), 25728);
    assert.equal(parseStatm(read(T0, "proc/2/statm")), 0);
  });

  it("parseAuxvPageSize: AT_PAGESZ in 64- and 32-bit, little- and big-endian vectors", () => {
    const auxv = (words: number[], bytes: 4 | 8, le: boolean): Buffer => {
      const b = Buffer.alloc(words.length * bytes);
      words.forEach((w, i) => {
        if (bytes === 8 && le) b.writeBigUInt64LE(BigInt(w), i * 8);
        else if (bytes === 8) b.writeBigUInt64BE(BigInt(w), i * 8);
        else if (le) b.writeUInt32LE(w, i * 4);
        else b.writeUInt32BE(w, i * 4);
      });
      return b;
    };
    // AT_HWCAP, AT_PAGESZ, AT_CLKTCK, AT_NULL
    const vector = [16, 0x178bfbff, 6, 65536, 17, 100, 0, 0];
    assert.equal(parseAuxvPageSize(auxv(vector, 8, true), 8, true), 65536);
    assert.equal(parseAuxvPageSize(auxv(vector, 8, false), 8, false), 65536);
    assert.equal(parseAuxvPageSize(auxv(vector, 4, true), 4, true), 65536);
    assert.equal(parseAuxvPageSize(auxv([16, 1, 0, 0, 6, 4096], 8, true), 8, true), undefined);
  });

  it("systemPageSize matches getconf PAGESIZE", () => {
    assert.equal(systemPageSize(), Number(execFileSync("getconf", ["PAGESIZE"], { encoding: "utf8" }).trim()));
  });
});

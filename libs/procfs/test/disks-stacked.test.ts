import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { NodeSampler } from "../src/index.js";
import { FakeClock } from "./helpers.js";

const MiB = 1024 * 1024;
const SECTOR = 512;

interface Written {
  /** Bytes written so far, as /proc/diskstats counts them (in 512-byte sectors). */
  bytes: number;
  writes: number;
}

/**
 * A fake host: sda (partitions sda1, sda2) with LVM volume dm-0 "vg0-root" on sda2, md0 (RAID0) on sdb1 and sdc1,
 * and sdd used directly. The kernel counts an I/O at every layer it passes, and so does this tree.
 */
class StackedHost {
  readonly root = mkdtempSync(join(tmpdir(), "procfs-stacked-"));

  constructor() {
    const block = join(this.root, "sys/block");
    for (const d of ["sda", "sdb", "sdc", "sdd", "dm-0", "md0", "loop0"]) mkdirSync(join(block, d, "slaves"), { recursive: true });
    // slaves/ holds one symlink per backing device in sysfs; the sampler only reads the names.
    mkdirSync(join(block, "dm-0/slaves/sda2"));
    mkdirSync(join(block, "dm-0/dm"));
    writeFileSync(join(block, "dm-0/dm/name"), "vg0-root\n");
    mkdirSync(join(block, "md0/slaves/sdb1"));
    mkdirSync(join(block, "md0/slaves/sdc1"));
    mkdirSync(join(this.root, "proc"));
  }

  /** Writes /proc/diskstats with these counters (partitions included, as the kernel lists them). */
  diskstats(counters: Record<string, Written>): void {
    const lines = Object.entries(counters).map(([dev, w], i) =>
      // major minor name reads merged sectorsRead readMs writes merged sectorsWritten writeMs inflight ioMs weighted
      [8, i, dev, 0, 0, 0, 0, w.writes, 0, w.bytes / SECTOR, w.writes, 0, w.writes, w.writes].join(" "),
    );
    writeFileSync(join(this.root, "proc/diskstats"), `${lines.join("\n")}\n`);
  }

  close(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

/** Counters after `mib` MiB per layer, starting from a nonzero base like a running host. */
const at = (mib: Record<string, number>): Record<string, Written> =>
  Object.fromEntries(Object.entries(mib).map(([d, m]) => [d, { bytes: 100 * MiB + m * MiB, writes: 1000 + m * 8 }]));

const zero = { sda: 0, sda1: 0, sda2: 0, sdb: 0, sdb1: 0, sdc: 0, sdc1: 0, sdd: 0, "dm-0": 0, md0: 0, loop0: 0 };

describe("stacked block devices (dm, md)", () => {
  const host = new StackedHost();
  after(() => host.close());

  const sampleOver = (mib: Record<string, number>) => {
    const clock = new FakeClock();
    const sampler = new NodeSampler({ node: "n", hostRoot: host.root, clock, topN: 0 });
    host.diskstats(at(zero));
    sampler.sample();
    clock.advance(1_000);
    host.diskstats(at({ ...zero, ...mib }));
    return sampler.sample();
  };

  it("2 MiB/s written to an LVM volume on sda2 shows as 2 MiB/s in the total, not 4", () => {
    const s = sampleOver({ "dm-0": 2, sda2: 2, sda: 2 });
    const byDevice = new Map(s.disks?.map((d) => [d.device, d]));
    assert.equal(byDevice.get("dm-0")?.writeBytesRate, 2 * MiB, "the volume's own rate");
    assert.equal(byDevice.get("sda")?.writeBytesRate, 2 * MiB, "the disk's own rate");
    const naive = s.disks?.reduce((sum, d) => sum + (d.writeBytesRate ?? 0), 0);
    assert.equal(naive, 4 * MiB, "summing every listed device double-counts (why disksTotal exists)");
    assert.equal(s.disksTotal?.writeBytesRate, 2 * MiB);
    assert.equal(s.disksTotal?.writeOpsRate, 16, "ops counted once too");
  });

  it("each device names its backing devices and its device-mapper name; disks and partitions have none", () => {
    const s = sampleOver({});
    const byDevice = new Map(s.disks?.map((d) => [d.device, d]));
    assert.deepEqual(
      [...byDevice.keys()].sort(),
      ["dm-0", "md0", "sda", "sdb", "sdc", "sdd"],
      "whole devices only: no partitions, no loop",
    );
    assert.deepEqual(byDevice.get("dm-0")?.slaves, ["sda2"]);
    assert.equal(byDevice.get("dm-0")?.dmName, "vg0-root");
    assert.deepEqual(byDevice.get("md0")?.slaves, ["sdb1", "sdc1"]);
    assert.equal(byDevice.get("md0")?.dmName, undefined, "md devices have no device-mapper name");
    for (const d of ["sda", "sdb", "sdc", "sdd"]) {
      assert.equal(byDevice.get(d)?.slaves, undefined, `${d} is built on nothing`);
      assert.equal(byDevice.get(d)?.dmName, undefined);
    }
  });

  it("dm, md RAID0 and a plain disk at once: each byte counted once, where it lands", () => {
    // 2 MiB/s through the LVM volume, 2 MiB/s to the RAID0 array striped 1+1 over sdb1 and sdc1, 3 MiB/s to sdd.
    const s = sampleOver({ "dm-0": 2, sda2: 2, sda: 2, md0: 2, sdb1: 1, sdb: 1, sdc1: 1, sdc: 1, sdd: 3 });
    const naive = s.disks?.reduce((sum, d) => sum + (d.writeBytesRate ?? 0), 0);
    assert.equal(naive, 11 * MiB, "per-device rates as listed: dm and md counted on top of their disks");
    assert.equal(s.disksTotal?.writeBytesRate, 7 * MiB);
    assert.equal(s.disksTotal?.readBytesRate, 0);
  });

  it("the first sample has neither per-device rates nor a total", () => {
    host.diskstats(at(zero));
    const s = new NodeSampler({ node: "n", hostRoot: host.root, clock: new FakeClock(), topN: 0 }).sample();
    assert.equal(s.disks, undefined);
    assert.equal(s.disksTotal, undefined);
  });
});

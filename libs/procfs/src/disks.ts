import { counterRate, roundPct, roundRate, setDefined } from "./rates.js";
import type { DiskSample } from "./types.js";

/** The /proc/diskstats counters a sample uses. Sectors are always 512 bytes there, whatever the device's. */
export interface DiskCounters {
  device: string;
  reads: number;
  sectorsRead: number;
  readMs: number;
  writes: number;
  sectorsWritten: number;
  writeMs: number;
  /** Milliseconds with at least one I/O in flight. */
  ioMs: number;
}

/**
 * Parses /proc/diskstats (14 columns before 4.18, 18 with discards, 20 with flushes since 5.5; only the
 * first 13 are used). Every device is returned, partitions included; see `isWholeDisk`.
 */
export function parseDiskstats(text: string): DiskCounters[] {
  const out: DiskCounters[] = [];
  for (const line of text.split("\n")) {
    const f = line.trim().split(/\s+/);
    if (f.length < 14) continue;
    const n = f.slice(3, 13).map(Number);
    const [reads, , sectorsRead, readMs, writes, , sectorsWritten, writeMs, , ioMs] = n;
    if (n.some((v) => !Number.isFinite(v))) continue;
    out.push({
      device: f[2] ?? "",
      reads: reads ?? 0,
      sectorsRead: sectorsRead ?? 0,
      readMs: readMs ?? 0,
      writes: writes ?? 0,
      sectorsWritten: sectorsWritten ?? 0,
      writeMs: writeMs ?? 0,
      ioMs: ioMs ?? 0,
    });
  }
  return out;
}

// loop: files already counted on the disk that holds them. ram: memory. zram: compressed RAM (usually swap),
// whose "I/O" is CPU work and already shows as pswpin/pswpout; as a disk it would look like a fast device.
const NOT_DISKS = /^(loop|ram|zram)\d+$/;

/**
 * Whole devices are exactly the entries of /sys/block (partitions live under their disk), so counting only
 * those never counts the same I/O twice for a disk and its partitions. dm-* and md* are whole devices
 * too and are kept: they are what filesystems sit on, though their I/O also reaches the disks below them
 * (each names those in `slaves`, and disksTotal sums only the bottom of each stack: see block-relations.ts).
 * sysfs writes "/" in device names as "!" (cciss/c0d0 is /sys/block/cciss!c0d0).
 */
export function isWholeDisk(device: string, sysBlock: ReadonlySet<string>): boolean {
  return !NOT_DISKS.test(device) && sysBlock.has(device.replaceAll("/", "!"));
}

/** Rates for each device in both reads; a counter that went backwards has no rate (see counterRate). */
export function diskRates(prev: ReadonlyMap<string, DiskCounters>, cur: readonly DiskCounters[], seconds: number): DiskSample[] {
  const out: DiskSample[] = [];
  for (const c of cur) {
    const p = prev.get(c.device);
    if (!p) continue;
    const d: DiskSample = { device: c.device };
    const rate = (a: number, b: number, scale = 1): number | undefined => {
      const r = counterRate(a, b, seconds);
      return r === undefined ? undefined : roundRate(r * scale);
    };
    setDefined(d, "readBytesRate", rate(p.sectorsRead, c.sectorsRead, 512));
    setDefined(d, "writeBytesRate", rate(p.sectorsWritten, c.sectorsWritten, 512));
    setDefined(d, "readOpsRate", rate(p.reads, c.reads));
    setDefined(d, "writeOpsRate", rate(p.writes, c.writes));
    const busy = counterRate(p.ioMs, c.ioMs, seconds);
    // ms per second / 10 = percent; clamped because the kernel's accounting and our clock disagree by a few ms.
    if (busy !== undefined) d.ioTimePct = roundPct(Math.min(100, busy / 10));
    setDefined(d, "readAwaitMs", awaitMs(p.reads, c.reads, p.readMs, c.readMs));
    setDefined(d, "writeAwaitMs", awaitMs(p.writes, c.writes, p.writeMs, c.writeMs));
    if (Object.keys(d).length > 1) out.push(d);
  }
  return out;
}

/** Mean ms per completed op (iostat's r_await/w_await); undefined with no ops or a counter that went back. */
function awaitMs(ops0: number, ops1: number, ms0: number, ms1: number): number | undefined {
  const ops = ops1 - ops0;
  const ms = ms1 - ms0;
  if (ops <= 0 || ms < 0) return undefined;
  return roundRate(ms / ops);
}

import { roundPct } from "./rates.js";
import type { CpuSample } from "./types.js";

/**
 * Cumulative CPU time in USER_HZ ticks: user nice system idle iowait irq softirq steal, in /proc/stat order.
 * guest and guest_nice are left out because the kernel already counts them inside user and nice.
 */
export type CpuTimes = readonly number[];

export interface ProcStat {
  /** The aggregate `cpu` line. */
  total?: CpuTimes;
  /** Indexed by CPU number; holes are offline CPUs, which /proc/stat does not list. */
  perCpu: Array<CpuTimes | undefined>;
  /** Boot time, seconds since the epoch. */
  bootTime?: number;
  procsRunning?: number;
  procsBlocked?: number;
}

const FIELDS = 8;

function parseTimes(line: string): CpuTimes {
  const parts = line.split(" ");
  const times: number[] = [];
  // parts[0] is the label; the aggregate line has a double space after "cpu", hence the empty-part skip.
  for (let i = 1; i < parts.length && times.length < FIELDS; i++) {
    const p = parts[i];
    if (p) times.push(Number(p));
  }
  // Kernels before 2.6.33 print fewer columns; the missing states simply never accrued time.
  while (times.length < FIELDS) times.push(0);
  return times;
}

function valueAfter(text: string, key: string): number | undefined {
  const at = text.indexOf(`\n${key} `);
  if (at < 0) return undefined;
  const start = at + key.length + 2;
  const end = text.indexOf("\n", start);
  const v = Number(text.slice(start, end < 0 ? undefined : end));
  return Number.isFinite(v) ? v : undefined;
}

/** Parses /proc/stat: CPU times, btime, procs_running, procs_blocked. */
export function parseStat(text: string): ProcStat {
  const stat: ProcStat = { perCpu: [] };
  let pos = 0;
  // The cpu lines come first; stop at the first other line so the (long) intr line is never split.
  while (text.startsWith("cpu", pos)) {
    const end = text.indexOf("\n", pos);
    const line = text.slice(pos, end < 0 ? undefined : end);
    const label = line.slice(0, line.indexOf(" "));
    if (label === "cpu") stat.total = parseTimes(line);
    else {
      const n = Number(label.slice(3));
      if (Number.isInteger(n)) stat.perCpu[n] = parseTimes(line);
    }
    if (end < 0) break;
    pos = end + 1;
  }
  const bootTime = valueAfter(text, "btime");
  if (bootTime !== undefined) stat.bootTime = bootTime;
  const running = valueAfter(text, "procs_running");
  if (running !== undefined) stat.procsRunning = running;
  const blocked = valueAfter(text, "procs_blocked");
  if (blocked !== undefined) stat.procsBlocked = blocked;
  return stat;
}

/** Tick deltas, or undefined when any counter went backwards (CPU hotplug, the NO_HZ iowait quirk). */
function deltas(prev: CpuTimes | undefined, cur: CpuTimes | undefined): number[] | undefined {
  if (!prev || !cur) return undefined;
  const d: number[] = [];
  let total = 0;
  for (let i = 0; i < FIELDS; i++) {
    const v = (cur[i] ?? 0) - (prev[i] ?? 0);
    if (v < 0) return undefined;
    d.push(v);
    total += v;
  }
  return total > 0 ? d : undefined;
}

const sum = (d: number[]): number => d.reduce((a, b) => a + b, 0);

/** Busy percent = everything but idle (3) and iowait (4). */
function busyPct(d: number[]): number {
  const total = sum(d);
  return roundPct((100 * (total - (d[3] ?? 0) - (d[4] ?? 0))) / total);
}

/**
 * CPU utilisation between two /proc/stat reads. Ticks, not wall time, are the denominator, so the
 * result does not depend on how precisely the two reads were timed.
 */
export function cpuUsage(prev: ProcStat, cur: ProcStat): CpuSample | undefined {
  const d = deltas(prev.total, cur.total);
  if (!d) return undefined;
  const total = sum(d);
  const pct = (v: number): number => roundPct((100 * v) / total);
  const [user = 0, nice = 0, system = 0, , iowait = 0, irq = 0, softirq = 0, steal = 0] = d;
  const perCpuPct: Array<number | null> = [];
  // The longer of the two lists, so a CPU that went offline at the end still holds its index (as null).
  for (let i = 0; i < Math.max(prev.perCpu.length, cur.perCpu.length); i++) {
    const c = deltas(prev.perCpu[i], cur.perCpu[i]);
    perCpuPct.push(c ? busyPct(c) : null);
  }
  return {
    totalPct: busyPct(d),
    userPct: pct(user + nice),
    systemPct: pct(system + irq + softirq),
    iowaitPct: pct(iowait),
    stealPct: pct(steal),
    perCpuPct,
  };
}

// CPU accounting from /proc and machine facts for the benchmark report.
// On a 2-core box the load generator, the server under test and nats-server compete for the same
// cores, so "req/s" alone does not say who was the bottleneck; CPU seconds per process do.
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { availableParallelism, cpus, loadavg, release, totalmem } from "node:os";

/** Kernel clock ticks per second for utime/stime; 100 on every Linux we target (USER_HZ). */
const CLK_TCK = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** utime + stime of `pid` in seconds, or NaN when the process (or /proc) is gone. */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after "(comm)": state is field 3, utime 14, stime 15 (1-based); comm may contain spaces.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
  } catch {
    return Number.NaN;
  }
}

/** The bench process itself (autocannon runs here), from process.cpuUsage for µs resolution. */
export function selfCpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/** Whole-machine jiffies from the first line of /proc/stat: [idle incl. iowait, total]. */
function machineJiffies(): [number, number] {
  const f = readFileSync("/proc/stat", "utf8").split("\n", 1)[0]!.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal (guest time is already inside user)
  return [f[3]! + f[4]!, f.slice(0, 8).reduce((a, b) => a + b, 0)];
}

/**
 * Samples CPU seconds of named processes; `delta()` gives the seconds used since `start()`, plus
 * `other` (busy CPU seconds of everything else on the machine) and `machineIdlePct`. A closed-loop run
 * with low req/s and idle CPUs means the VM did not get its CPUs from its host; with high `other`, that
 * another workload shared them. Either way no process of ours was the bottleneck.
 */
export class CpuMeter {
  private before: Record<string, number> = {};
  private machineBefore: [number, number] = [0, 0];
  constructor(private readonly pids: Record<string, number | (() => number)>) {}

  private read(): Record<string, number> {
    const now: Record<string, number> = {};
    for (const [name, pid] of Object.entries(this.pids)) now[name] = typeof pid === "function" ? pid() : cpuSeconds(pid);
    return now;
  }

  start(): void {
    this.before = this.read();
    this.machineBefore = machineJiffies();
  }

  delta(): Record<string, number> {
    const now = this.read();
    const [idle, total] = machineJiffies();
    const [idle0, total0] = this.machineBefore;
    const perProcess = Object.fromEntries(Object.entries(now).map(([k, v]) => [k, Math.round((v - (this.before[k] ?? 0)) * 100) / 100]));
    const busy = (total - total0 - (idle - idle0)) / CLK_TCK;
    // Busy CPU not used by the processes we measure: other workloads on the box (plus a little kernel
    // work). Seconds of it in a 10 s window mean the run shared its CPUs and its figures are low.
    const other = Math.max(0, busy - Object.values(perProcess).reduce((a, b) => a + (Number.isFinite(b) ? b : 0), 0));
    return {
      ...perProcess,
      other: Math.round(other * 100) / 100,
      machineIdlePct: Math.round((100 * (idle - idle0)) / Math.max(1, total - total0)),
    };
  }
}

export interface MachineInfo {
  nproc: number;
  cpuModel: string;
  memGiB: number;
  kernel: string;
  node: string;
  natsServer: string;
  loadAvgAtStart: number[];
}

export function machineInfo(natsServerVersion: string): MachineInfo {
  return {
    nproc: availableParallelism(),
    cpuModel: cpus()[0]?.model ?? "unknown",
    memGiB: Math.round(totalmem() / 2 ** 30),
    kernel: release(),
    node: process.version,
    natsServer: natsServerVersion,
    loadAvgAtStart: loadavg().map((l) => Math.round(l * 100) / 100),
  };
}

/** PIDs of `ppid`'s children, from /proc. */
function childrenOf(ppid: number): number[] {
  return readdirSync("/proc")
    .filter((e) => /^\d+$/.test(e))
    .filter((e) => {
      try {
        const stat = readFileSync(`/proc/${e}/stat`, "utf8");
        return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) === ppid;
      } catch {
        return false;
      }
    })
    .map(Number);
}

/**
 * CPU seconds of the processes a service bench runs: this one (the service in-process and the load, under `self`),
 * NATS, PostgreSQL (the postmaster and its backends) and the simulator (the bench's node children).
 */
export function stackCpuSeconds(self: string, childPidsNamed: (name: string) => number[]): Record<string, number> {
  const sum = (pids: number[]) => pids.reduce((s, p) => s + (cpuSeconds(p) || 0), 0);
  const postmaster = childPidsNamed("postgres");
  return {
    [self]: selfCpuSeconds(),
    "nats-server": sum(childPidsNamed("nats-server")),
    postgres: sum([...postmaster, ...postmaster.flatMap(childrenOf)]),
    "kube-sim": sum(childPidsNamed("node")),
  };
}

/** CPU ms per unit of work of each process between two `stackCpuSeconds` readings. */
export const cpuPerUnitText = (a: Record<string, number>, b: Record<string, number>, n: number): string =>
  Object.keys(b)
    .map((k) => `${k} ${(((b[k]! - a[k]!) * 1000) / n).toFixed(2)}`)
    .join(", ");

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

/** Direct children of this process whose command name is `comm` (e.g. the harness's nats-server). */
export function childPidsNamed(comm: string): number[] {
  const out: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const name = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (name === comm && ppid === process.pid) out.push(Number(entry));
    } catch {
      // raced with an exiting process
    }
  }
  return out;
}

/** Samples CPU seconds of named processes; `delta()` gives the seconds used since `start()`. */
export class CpuMeter {
  private before: Record<string, number> = {};
  constructor(private readonly pids: Record<string, number | (() => number)>) {}

  private read(): Record<string, number> {
    const now: Record<string, number> = {};
    for (const [name, pid] of Object.entries(this.pids)) now[name] = typeof pid === "function" ? pid() : cpuSeconds(pid);
    return now;
  }

  start(): void {
    this.before = this.read();
  }

  delta(): Record<string, number> {
    const now = this.read();
    return Object.fromEntries(Object.entries(now).map(([k, v]) => [k, Math.round((v - (this.before[k] ?? 0)) * 100) / 100]));
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

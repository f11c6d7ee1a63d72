// Node figures for dashboards and alert rules, from each sample. Rates come from the sampler; the *_total
// counters add rate × interval back up, so PromQL rate()/increase() work on them as on node_exporter's.
import { Counter, Gauge, type Registry } from "prom-client";
import type { NodeSampleMessage } from "@vigil/contracts";

type Psi = { avg10: number; avg60: number; avg300: number; totalRate?: number | undefined };
const RESOURCES = ["cpu", "memory", "io"] as const;

export class NodeGauges {
  private readonly memAvailable: Gauge;
  private readonly memTotal: Gauge;
  private readonly swapUsed: Gauge;
  private readonly cpuUsage: Gauge;
  private readonly load1: Gauge;
  private readonly psiAvg: Gauge<"resource" | "kind" | "window">;
  private readonly psiStalled: Counter<"resource" | "kind">;
  private readonly vmCounters: Record<string, Counter>;

  constructor(registry: Registry) {
    const registers = [registry];
    this.memAvailable = new Gauge({ name: "vigil_node_memory_available_bytes", help: "MemAvailable from /proc/meminfo", registers });
    this.memTotal = new Gauge({ name: "vigil_node_memory_total_bytes", help: "MemTotal from /proc/meminfo", registers });
    this.swapUsed = new Gauge({ name: "vigil_node_swap_used_bytes", help: "SwapTotal - SwapFree (absent without swap)", registers });
    this.cpuUsage = new Gauge({
      name: "vigil_node_cpu_usage_ratio",
      help: "CPU busy fraction over the last interval, all CPUs",
      registers,
    });
    this.load1 = new Gauge({ name: "vigil_node_load1", help: "1-minute load average", registers });
    this.psiAvg = new Gauge({
      name: "vigil_node_pressure_ratio",
      help: "PSI: share of time some/all tasks stalled on cpu, memory or io, averaged over 10s/60s/300s",
      labelNames: ["resource", "kind", "window"],
      registers,
    });
    this.psiStalled = new Counter({
      name: "vigil_node_pressure_stalled_seconds_total",
      help: "PSI: seconds some/all tasks stalled on cpu, memory or io",
      labelNames: ["resource", "kind"],
      registers,
    });
    const counter = (name: string, help: string) => new Counter({ name, help, registers });
    this.vmCounters = {
      pswpin: counter("vigil_node_swap_in_pages_total", "Pages swapped in (vmstat pswpin)"),
      pswpout: counter("vigil_node_swap_out_pages_total", "Pages swapped out (vmstat pswpout)"),
      pgmajfault: counter("vigil_node_major_page_faults_total", "Major page faults (vmstat pgmajfault)"),
      oom_kill: counter("vigil_node_oom_kills_total", "OOM kills (vmstat oom_kill)"),
    };
  }

  update(s: NodeSampleMessage): void {
    // The first sample has no interval, hence no rates: counters start with the second.
    const seconds = (s.intervalMs ?? 0) / 1000;
    const mem = s.memory;
    if (mem?.MemAvailable !== undefined) this.memAvailable.set(mem.MemAvailable);
    if (mem?.MemTotal !== undefined) this.memTotal.set(mem.MemTotal);
    if (mem?.SwapTotal && mem.SwapFree !== undefined) this.swapUsed.set(mem.SwapTotal - mem.SwapFree);
    if (s.cpu) this.cpuUsage.set(s.cpu.totalPct / 100);
    if (s.load) this.load1.set(s.load.one);
    for (const resource of RESOURCES) {
      const r = s.psi?.[resource] as { some?: Psi; full?: Psi } | undefined;
      for (const kind of ["some", "full"] as const) {
        const p = r?.[kind];
        if (!p) continue;
        this.psiAvg.set({ resource, kind, window: "10s" }, p.avg10 / 100);
        this.psiAvg.set({ resource, kind, window: "60s" }, p.avg60 / 100);
        this.psiAvg.set({ resource, kind, window: "300s" }, p.avg300 / 100);
        if (p.totalRate !== undefined) this.psiStalled.inc({ resource, kind }, p.totalRate * seconds);
      }
    }
    for (const [key, c] of Object.entries(this.vmCounters)) {
      const rate = s.vmstat?.[key];
      if (rate !== undefined) c.inc(Math.round(rate * seconds));
    }
  }
}

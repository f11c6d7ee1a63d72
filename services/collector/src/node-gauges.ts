// Node series on /metrics, all computed at scrape time from the latest sample (so one scrape never mixes
// two samples, and nothing is printed before the first): the collector's own vigil_node_* figures and
// node_exporter's series under a vigil_ prefix (node-exporter-series.ts).
import type { NodeSampleMessage } from "@vigil/contracts";
import type { NodeCounters } from "@vigil/procfs";
import type { Registry } from "prom-client";
import { type LatestNode, MeminfoSeries, type NodeSnapshot, registerNodeExporterSeries } from "./node-exporter-series.js";
import { type ReadSeries, type SeriesValue, SnapshotCounter, SnapshotGauge, single } from "./snapshot-metric.js";

/** Where the kernel readings behind the sample just taken come from: the node sampler. */
export interface NodeCounterSource {
  readonly counters: Readonly<NodeCounters> | undefined;
}

const RESOURCES = ["cpu", "memory", "io"] as const;
const PSI_WINDOWS = [
  ["10s", "avg10"],
  ["60s", "avg60"],
  ["300s", "avg300"],
] as const;
/** vmstat running totals exported as counters, by the kernel's name. */
const VMSTAT_COUNTERS = [
  ["pswpin", "vigil_node_swap_in_pages_total", "Pages swapped in (vmstat pswpin)"],
  ["pswpout", "vigil_node_swap_out_pages_total", "Pages swapped out (vmstat pswpout)"],
  ["pgmajfault", "vigil_node_major_page_faults_total", "Major page faults (vmstat pgmajfault)"],
  ["oom_kill", "vigil_node_oom_kills_total", "OOM kills (vmstat oom_kill)"],
] as const;

export class NodeGauges {
  private latest: NodeSnapshot | undefined;
  private readonly meminfo: MeminfoSeries;

  constructor(
    registry: Registry,
    private readonly source?: NodeCounterSource,
  ) {
    const registers = [registry];
    const now: LatestNode = () => this.latest;
    const msg = () => this.latest?.message;
    const gauge = (name: string, help: string, read: ReadSeries<string>) => new SnapshotGauge({ name, help, registers }, read);
    gauge("vigil_node_memory_available_bytes", "MemAvailable from /proc/meminfo", () => single(msg()?.memory?.MemAvailable));
    gauge("vigil_node_memory_total_bytes", "MemTotal from /proc/meminfo", () => single(msg()?.memory?.MemTotal));
    gauge("vigil_node_swap_used_bytes", "SwapTotal - SwapFree (absent without swap)", () => {
      const m = msg()?.memory;
      return m?.SwapTotal && m.SwapFree !== undefined ? single(m.SwapTotal - m.SwapFree) : [];
    });
    gauge("vigil_node_cpu_usage_ratio", "CPU busy fraction over the last interval, all CPUs", () => {
      const cpu = msg()?.cpu;
      return cpu ? single(cpu.totalPct / 100) : [];
    });
    new SnapshotGauge(
      {
        name: "vigil_node_pressure_ratio",
        help: "PSI: share of time some/all tasks stalled on cpu, memory or io, averaged over 10s/60s/300s",
        labelNames: ["resource", "kind", "window"],
        registers,
      },
      () => {
        const out: SeriesValue<"resource" | "kind" | "window">[] = [];
        for (const resource of RESOURCES)
          for (const kind of ["some", "full"] as const) {
            const p = this.latest?.counters?.psi[resource]?.[kind];
            if (p) for (const [window, key] of PSI_WINDOWS) out.push({ labels: { resource, kind, window }, value: p[key] / 100 });
          }
        return out;
      },
    );
    // The kernel's running stall totals (µs), not rate × interval added up: absolute values match node_exporter's.
    new SnapshotCounter(
      {
        name: "vigil_node_pressure_stalled_seconds_total",
        help: "PSI: seconds some/all tasks stalled on cpu, memory or io, since boot",
        labelNames: ["resource", "kind"],
        registers,
      },
      () => {
        const out: SeriesValue<"resource" | "kind">[] = [];
        for (const resource of RESOURCES)
          for (const kind of ["some", "full"] as const) {
            const p = this.latest?.counters?.psi[resource]?.[kind];
            if (p) out.push({ labels: { resource, kind }, value: p.total / 1e6 });
          }
        return out;
      },
    );
    for (const [key, name, help] of VMSTAT_COUNTERS) {
      new SnapshotCounter({ name, help: `${help}, since boot`, registers }, () => single(this.latest?.counters?.vmstat?.get(key)));
    }
    registerNodeExporterSeries(registry, now);
    this.meminfo = new MeminfoSeries(registry, now);
  }

  /** Called right after each sample: the source's readings are that sample's. */
  update(message: NodeSampleMessage): void {
    const counters = this.source?.counters;
    this.latest = { message, counters };
    this.meminfo.addNewFields(counters?.meminfo);
  }
}

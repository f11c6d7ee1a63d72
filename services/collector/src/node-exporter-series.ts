// node_exporter's series, under a `vigil_` prefix, from the kernel readings behind the latest node sample.
// Counters are the kernel's running totals converted to node_exporter's units, so absolute values (not just
// rates) match node_exporter on the same host; gauges are the sampled values. Nothing sampled: no series.
import type { NodeSampleMessage } from "@vigil/contracts";
import type { DiskCounters, NetCounters, NodeCounters } from "@vigil/procfs";
import type { Registry } from "prom-client";
import { type ReadSeries, type SeriesValue, SnapshotCounter, SnapshotGauge, single } from "./snapshot-metric.js";

/** The last node sample and the readings it was computed from: every series of one scrape comes from it. */
export interface NodeSnapshot {
  message: NodeSampleMessage;
  counters: Readonly<NodeCounters> | undefined;
}
export type LatestNode = () => NodeSnapshot | undefined;

export const PREFIX = "vigil_";

/**
 * /proc/stat counts in USER_HZ ticks, 100 on every Linux architecture userspace sees (the kernel converts
 * from its internal HZ); node_exporter's procfs library divides by the same constant.
 */
export const USER_HZ = 100;
/** /proc/stat's column order, which is NodeCounters' CpuTimes order; node_exporter's `mode` label values. */
export const CPU_MODES = ["user", "nice", "system", "idle", "iowait", "irq", "softirq", "steal"] as const;
const SECTOR_BYTES = 512;

type Family = { name: string; help: string; counter?: boolean };

function register<L extends string>(registry: Registry, f: Family, labelNames: readonly L[], read: ReadSeries<L>): void {
  const config = { name: PREFIX + f.name, help: f.help, labelNames, registers: [registry] };
  if (f.counter) new SnapshotCounter<L>(config, read);
  else new SnapshotGauge<L>(config, read);
}

/** Registers the fixed node_exporter families; meminfo's are added per field by `MeminfoSeries`. */
export function registerNodeExporterSeries(registry: Registry, latest: LatestNode): void {
  const counters = () => latest()?.counters;
  const message = () => latest()?.message;

  register(
    registry,
    { name: "node_cpu_seconds_total", help: "Seconds the CPUs spent in each mode (/proc/stat)", counter: true },
    ["cpu", "mode"],
    () => {
      const out: SeriesValue<"cpu" | "mode">[] = [];
      counters()?.stat?.perCpu.forEach((times, cpu) => {
        if (!times) return; // an offline CPU: /proc/stat does not list it, node_exporter has no series for it
        CPU_MODES.forEach((mode, i) => out.push({ labels: { cpu: String(cpu), mode }, value: (times[i] ?? 0) / USER_HZ }));
      });
      return out;
    },
  );

  register(registry, { name: "node_boot_time_seconds", help: "Node boot time, seconds since the epoch (/proc/stat btime)" }, [], () =>
    single(counters()?.stat?.bootTime),
  );
  register(registry, { name: "node_procs_running", help: "Tasks in runnable state (/proc/stat procs_running)" }, [], () =>
    single(counters()?.stat?.procsRunning),
  );
  register(registry, { name: "node_procs_blocked", help: "Tasks blocked waiting for I/O (/proc/stat procs_blocked)" }, [], () =>
    single(counters()?.stat?.procsBlocked),
  );
  for (const [window, key] of [
    ["1", "one"],
    ["5", "five"],
    ["15", "fifteen"],
  ] as const) {
    register(registry, { name: `node_load${window}`, help: `${window}-minute load average (/proc/loadavg)` }, [], () =>
      single(message()?.load?.[key]),
    );
  }

  const disk = (name: string, help: string, value: (d: DiskCounters) => number) =>
    register(registry, { name, help: `${help} (/proc/diskstats, whole devices)`, counter: true }, ["device"], () =>
      [...(counters()?.disks?.values() ?? [])].map((d) => ({ labels: { device: d.device }, value: value(d) })),
    );
  disk("node_disk_reads_completed_total", "Reads completed", (d) => d.reads);
  disk("node_disk_writes_completed_total", "Writes completed", (d) => d.writes);
  disk("node_disk_read_bytes_total", "Bytes read", (d) => d.sectorsRead * SECTOR_BYTES);
  disk("node_disk_written_bytes_total", "Bytes written", (d) => d.sectorsWritten * SECTOR_BYTES);
  disk("node_disk_read_time_seconds_total", "Seconds spent by all reads", (d) => d.readMs / 1000);
  disk("node_disk_write_time_seconds_total", "Seconds spent by all writes", (d) => d.writeMs / 1000);
  disk("node_disk_io_time_seconds_total", "Seconds with at least one I/O in flight", (d) => d.ioMs / 1000);

  const net = (name: string, help: string, value: (n: NetCounters) => number) =>
    register(registry, { name, help: `${help} (/proc/net/dev of the host's network namespace)`, counter: true }, ["device"], () =>
      [...(counters()?.net?.values() ?? [])].map((n) => ({ labels: { device: n.iface }, value: value(n) })),
    );
  net("node_network_receive_bytes_total", "Bytes received", (n) => n.rxBytes);
  net("node_network_receive_packets_total", "Packets received", (n) => n.rxPackets);
  net("node_network_receive_errs_total", "Receive errors", (n) => n.rxErrors);
  net("node_network_receive_drop_total", "Received packets dropped", (n) => n.rxDrops);
  net("node_network_transmit_bytes_total", "Bytes transmitted", (n) => n.txBytes);
  net("node_network_transmit_packets_total", "Packets transmitted", (n) => n.txPackets);
  net("node_network_transmit_errs_total", "Transmit errors", (n) => n.txErrors);
  net("node_network_transmit_drop_total", "Transmitted packets dropped", (n) => n.txDrops);

  registerFilesystemSeries(registry, latest);
}

type FsLabels = "device" | "fstype" | "mountpoint";

/** Per mount: statfs for sizes and inodes, the mount's state for readonly; node_exporter's labels. */
function registerFilesystemSeries(registry: Registry, latest: LatestNode): void {
  const fs = (
    name: string,
    help: string,
    value: (u: { size: number; free: number; avail: number; files: number; filesFree: number; readOnly: boolean }) => number | undefined,
  ) =>
    register<FsLabels>(
      registry,
      { name, help: `${help} (statfs; block and network filesystems)` },
      ["device", "fstype", "mountpoint"],
      () => {
        const snap = latest();
        const out: SeriesValue<FsLabels>[] = [];
        for (const f of snap?.message.filesystems ?? []) {
          const u = snap?.counters?.filesystems?.get(f.mountpoint);
          if (!u) continue;
          const v = value({
            size: u.blocks * u.bsize,
            free: u.bfree * u.bsize,
            avail: u.bavail * u.bsize,
            files: u.files,
            filesFree: u.ffree,
            readOnly: f.readOnly ?? false,
          });
          if (v !== undefined) out.push({ labels: { device: f.device, fstype: f.fstype, mountpoint: f.mountpoint }, value: v });
        }
        return out;
      },
    );
  fs("node_filesystem_size_bytes", "Filesystem size in bytes", (u) => u.size);
  fs("node_filesystem_free_bytes", "Free bytes, including those reserved for root", (u) => u.free);
  fs("node_filesystem_avail_bytes", "Bytes available to unprivileged users", (u) => u.avail);
  fs("node_filesystem_readonly", "1 when the filesystem is read-only", (u) => (u.readOnly ? 1 : 0));
  // btrfs, vfat and some network filesystems report 0 inodes: unknown, so no series (node_exporter prints 0).
  fs("node_filesystem_files", "Inodes", (u) => (u.files > 0 ? u.files : undefined));
  fs("node_filesystem_files_free", "Free inodes", (u) => (u.files > 0 ? u.filesFree : undefined));
}

/** node_exporter's name for a meminfo field: "Active(file)" → node_memory_Active_file_bytes; counts keep no unit. */
export function meminfoSeriesName(field: string): string {
  const base = field.replace(/\((.*)\)/, "_$1").replace(/[^a-zA-Z0-9_]/g, "_");
  // Only the HugePages_* counts are unitless in /proc/meminfo; every other field is in kB.
  return `${PREFIX}node_memory_${base}${field.startsWith("HugePages_") ? "" : "_bytes"}`;
}

/**
 * One gauge per meminfo field, as node_exporter exports every field the kernel prints. Fields are known only
 * once meminfo has been read, so families are added as fields first appear (none before the first sample).
 */
export class MeminfoSeries {
  private readonly known = new Set<string>();

  constructor(
    private readonly registry: Registry,
    private readonly latest: LatestNode,
  ) {}

  addNewFields(meminfo: Readonly<Record<string, number>> | undefined): void {
    for (const field of Object.keys(meminfo ?? {})) {
      if (this.known.has(field)) continue;
      this.known.add(field);
      new SnapshotGauge({ name: meminfoSeriesName(field), help: `${field} from /proc/meminfo`, registers: [this.registry] }, () =>
        single(this.latest()?.counters?.meminfo?.[field]),
      );
    }
  }
}

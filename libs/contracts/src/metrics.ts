import { z } from "zod";
import { messageBase, timestamp } from "./message.js";

const rate = z.number().nonnegative();
const psi = z.object({
  avg10: z.number(),
  avg60: z.number(),
  avg300: z.number(),
  totalRate: rate.optional(),
  /** The kernel's running total of stall time in seconds (its `total=` in µs); a counter, for exporters. */
  totalSeconds: z.number().nonnegative().optional(),
});

const netRates = {
  rxBytesRate: rate.optional(),
  txBytesRate: rate.optional(),
  rxPacketsRate: rate.optional(),
  txPacketsRate: rate.optional(),
  rxErrorsRate: rate.optional(),
  txErrorsRate: rate.optional(),
  rxDropsRate: rate.optional(),
  txDropsRate: rate.optional(),
};

/**
 * `vigil.metrics.node.<node>`: one sample of a node (see libs/procfs/README.md for sources and units).
 * Anything the host cannot provide (no PSI, no swap counters, an unreadable file) is absent, never zero,
 * and so is every rate whose counter went backwards (wrap, reset). Rates are per second over `intervalMs`,
 * the real time since the previous sample; a sampler's first sample has no rates and no `intervalMs`.
 */
export const nodeSampleMessage = messageBase.extend({
  node: z.string().min(1),
  ts: timestamp,
  intervalMs: z.number().positive().optional(),
  /**
   * Percent of all CPUs (0-100). totalPct = everything but idle and iowait (so it includes steal) and equals
   * userPct (user+nice) + systemPct (system+irq+softirq) + stealPct. perCpuPct is indexed by CPU number;
   * null for a CPU that is offline or whose counters went backwards.
   */
  cpu: z
    .object({
      totalPct: z.number(),
      userPct: z.number().optional(),
      systemPct: z.number().optional(),
      iowaitPct: z.number().optional(),
      stealPct: z.number().optional(),
      perCpuPct: z.array(z.number().nullable()),
    })
    .optional(),
  /** Load averages, plus the tasks running and blocked in uninterruptible (mostly I/O) sleep right now. */
  load: z
    .object({
      one: z.number(),
      five: z.number(),
      fifteen: z.number(),
      running: z.number().int().optional(),
      blocked: z.number().int().optional(),
    })
    .optional(),
  /** /proc/meminfo fields in bytes, keyed by their kernel names (MemTotal, MemAvailable, ...). */
  memory: z.record(z.string(), z.number().nonnegative()).optional(),
  /**
   * /proc/vmstat counters as per-second rates, in the kernel's units (pswp*, pg*fault, pgscan, pgsteal: pages;
   * pgpgin/pgpgout: KiB). pgscan, pgsteal and allocstall sum the kernel's kswapd/direct/per-zone variants.
   */
  vmstat: z.record(z.string(), rate).optional(),
  /** Pressure stall: avg* are percentages as the kernel reports them; totalRate is stalled seconds per second (0-1). */
  psi: z
    .object({
      cpu: z.object({ some: psi, full: psi.optional() }).optional(),
      memory: z.object({ some: psi, full: psi.optional() }).optional(),
      io: z.object({ some: psi, full: psi.optional() }).optional(),
    })
    .optional(),
  /** Whole block devices only (no partitions, loop, ram, zram). ioTimePct is the share of time with I/O in flight. */
  disks: z
    .array(
      z.object({
        device: z.string(),
        readBytesRate: rate.optional(),
        writeBytesRate: rate.optional(),
        readOpsRate: rate.optional(),
        writeOpsRate: rate.optional(),
        ioTimePct: z.number().optional(),
        /** Mean time per completed read/write in the interval; absent when none completed. */
        readAwaitMs: z.number().optional(),
        writeAwaitMs: z.number().optional(),
        /** Devices this one is built on (/sys/block/<device>/slaves; often partitions): set for dm and md devices. */
        slaves: z.array(z.string()).optional(),
        /** Device-mapper name of a dm-N device (LVM's "vg-lv", a dm-crypt mapping name). */
        dmName: z.string().optional(),
      }),
    )
    .optional(),
  /**
   * Disk I/O with each byte counted once: the sum over the devices that have no `slaves` (the physical disks),
   * so I/O through dm or md devices is counted where it lands, not once per layer.
   */
  disksTotal: z
    .object({
      readBytesRate: rate.optional(),
      writeBytesRate: rate.optional(),
      readOpsRate: rate.optional(),
      writeOpsRate: rate.optional(),
    })
    .optional(),
  /** Every interface of the host network namespace, lo and virtual ones included. */
  network: z.array(z.object({ iface: z.string(), ...netRates })).optional(),
  /** Sum over physical NICs only (no lo, veth, bridge, bond, vlan), so traffic crossing several is not double counted. */
  networkTotal: z.object(netRates).optional(),
  /** Block-device and network filesystems, one entry per device. readOnly is the superblock's state (remounted ro after errors). */
  filesystems: z
    .array(
      z.object({
        mountpoint: z.string(),
        device: z.string(),
        fstype: z.string(),
        sizeBytes: z.number(),
        usedBytes: z.number(),
        availBytes: z.number(),
        inodesUsedPct: z.number().optional(),
        readOnly: z.boolean().optional(),
      }),
    )
    .optional(),
  system: z
    .object({
      uptimeSeconds: z.number().optional(),
      bootTime: timestamp.optional(),
      processes: z.number().int().optional(),
      kernel: z.string().optional(),
      os: z.string().optional(),
    })
    .optional(),
  /** Largest resident sets; sampled less often than the rest, absent from the samples in between. */
  topProcesses: z.array(z.object({ pid: z.number().int(), comm: z.string(), rssBytes: z.number() })).optional(),
});
export type NodeSampleMessage = z.infer<typeof nodeSampleMessage>;

/** A gauge or cumulative counter: bytes, faults, nano-cores, seconds. */
const amount = z.number().nonnegative();
/** One pressure file of a pod cgroup; `full` is absent where the kernel writes no such line (cpu before 5.13). */
const podPressure = z.object({ some: psi, full: psi.optional() });

/**
 * One container of a pod: CRI ListContainers joined with ListContainerStats by container id. Only running
 * containers have stats, so a created or exited one has none of the usage fields; any field the runtime
 * does not report is absent, never zero. Counters are cumulative since the container started.
 */
export const containerSample = z.object({
  name: z.string(),
  id: z.string(),
  /** Always set by @vigil/cri; optional so older producers stay valid. */
  state: z.enum(["created", "running", "exited", "unknown"]).optional(),
  /** CRI attempt: how many times kubelet has restarted this container in this sandbox. */
  attempt: z.number().int().nonnegative().optional(),
  /** The image as the pod spec names it when the runtime knows it, else its image id. */
  image: z.string().optional(),
  /** Billionths of a core over the last sampling window (the runtime's usage_nano_cores, or derived from the counter). */
  cpuNanoCores: amount.optional(),
  cpuUsageSecondsTotal: amount.optional(),
  memoryWorkingSetBytes: amount.optional(),
  memoryUsageBytes: amount.optional(),
  memoryRssBytes: amount.optional(),
  pageFaults: amount.optional(),
  majorPageFaults: amount.optional(),
  writableLayerBytes: amount.optional(),
  writableLayerInodes: amount.optional(),
  swapUsageBytes: amount.optional(),
});
export type ContainerSample = z.infer<typeof containerSample>;

/**
 * One ready pod sandbox, identified by its metadata (the io.kubernetes.pod.* labels). Pod-level usage comes
 * from ListPodSandboxStats (the pod cgroup: containers, pause and overhead) and is absent on runtimes
 * without that call; network rates are the pod's default interface, per second since the previous sample.
 */
export const podSample = z.object({
  uid: z.string(),
  name: z.string(),
  namespace: z.string(),
  /** CRI pod sandbox id; always set by @vigil/cri. */
  sandboxId: z.string().optional(),
  cpuNanoCores: amount.optional(),
  /** The pod cgroup's CPU time since it was created (the runtime's usage_core_nano_seconds, in seconds). */
  cpuUsageSecondsTotal: amount.optional(),
  memoryWorkingSetBytes: amount.optional(),
  memoryUsageBytes: amount.optional(),
  processes: z.number().int().nonnegative().optional(),
  network: z
    .object({
      rxBytesRate: rate.optional(),
      txBytesRate: rate.optional(),
      rxErrorsRate: rate.optional(),
      txErrorsRate: rate.optional(),
      /** The interface's running totals as the runtime reports them (cumulative since the pod's netns was created). */
      rxBytesTotal: amount.optional(),
      txBytesTotal: amount.optional(),
      rxErrorsTotal: amount.optional(),
      txErrorsTotal: amount.optional(),
    })
    .optional(),
  containers: z.array(containerSample),
  /** The pod cgroup's pressure files (cgroup v2); avg* are percentages, totalRate is stalled seconds per second (0-1). */
  psi: z.object({ cpu: podPressure.optional(), memory: podPressure.optional(), io: podPressure.optional() }).optional(),
});
export type PodSample = z.infer<typeof podSample>;

/** `vigil.metrics.pods.<node>`: every ready pod and its containers on a node, from the container runtime (CRI). */
export const podsSampleMessage = messageBase.extend({
  node: z.string().min(1),
  ts: timestamp,
  /** Runtime name and version from CRI Version, e.g. "containerd v2.0.4". */
  runtime: z.string().optional(),
  pods: z.array(podSample),
  /** What failed for this sample, as "<call>: <code>: <message>"; the sample is partial when non-empty. */
  errors: z.array(z.string()).default([]),
});
export type PodsSampleMessage = z.infer<typeof podsSampleMessage>;

import { z } from "zod";
import { messageBase, timestamp } from "./message.js";

const rate = z.number().nonnegative();
const psi = z.object({ avg10: z.number(), avg60: z.number(), avg300: z.number(), totalRate: rate.optional() });

/**
 * `vigil.metrics.node.<node>`: one sample of a node. Fields a host cannot provide (no PSI, no swap)
 * are absent, never zero. Rates are per second over the sampling interval.
 */
export const nodeSampleMessage = messageBase.extend({
  node: z.string().min(1),
  ts: timestamp,
  intervalMs: z.number().positive(),
  cpu: z.object({ totalPct: z.number(), perCpuPct: z.array(z.number()) }).optional(),
  load: z.object({ one: z.number(), five: z.number(), fifteen: z.number() }).optional(),
  /** /proc/meminfo fields in bytes, keyed by their kernel names (MemTotal, MemAvailable, ...). */
  memory: z.record(z.string(), z.number().nonnegative()).optional(),
  /** /proc/vmstat counters as per-second rates (pswpin, pswpout, pgmajfault, oom_kill, ...). */
  vmstat: z.record(z.string(), rate).optional(),
  psi: z
    .object({
      cpu: z.object({ some: psi, full: psi.optional() }).optional(),
      memory: z.object({ some: psi, full: psi }).optional(),
      io: z.object({ some: psi, full: psi }).optional(),
    })
    .optional(),
  disks: z
    .array(z.object({ device: z.string(), readBytesRate: rate, writeBytesRate: rate, readOpsRate: rate, writeOpsRate: rate, ioTimePct: z.number().optional() }))
    .optional(),
  network: z
    .array(z.object({ iface: z.string(), rxBytesRate: rate, txBytesRate: rate, rxPacketsRate: rate, txPacketsRate: rate, rxErrorsRate: rate, txErrorsRate: rate, rxDropsRate: rate, txDropsRate: rate }))
    .optional(),
  filesystems: z
    .array(z.object({ mountpoint: z.string(), device: z.string(), fstype: z.string(), sizeBytes: z.number(), usedBytes: z.number(), availBytes: z.number(), inodesUsedPct: z.number().optional() }))
    .optional(),
  system: z
    .object({ uptimeSeconds: z.number(), bootTime: timestamp, processes: z.number().int(), kernel: z.string(), os: z.string() })
    .optional(),
  topProcesses: z.array(z.object({ pid: z.number().int(), comm: z.string(), rssBytes: z.number() })).optional(),
});
export type NodeSampleMessage = z.infer<typeof nodeSampleMessage>;

export const containerSample = z.object({
  name: z.string(),
  id: z.string(),
  cpuNanoCores: z.number().nonnegative().optional(),
  memoryWorkingSetBytes: z.number().nonnegative().optional(),
  memoryUsageBytes: z.number().nonnegative().optional(),
  memoryRssBytes: z.number().nonnegative().optional(),
  pageFaults: z.number().nonnegative().optional(),
  majorPageFaults: z.number().nonnegative().optional(),
  writableLayerBytes: z.number().nonnegative().optional(),
  swapUsageBytes: z.number().nonnegative().optional(),
});

export const podSample = z.object({
  uid: z.string(),
  name: z.string(),
  namespace: z.string(),
  containers: z.array(containerSample),
  psi: z.object({ cpu: psi.optional(), memory: psi.optional(), io: psi.optional() }).optional(),
});

/** `vigil.metrics.pods.<node>`: every pod and container on a node, from the container runtime (CRI). */
export const podsSampleMessage = messageBase.extend({
  node: z.string().min(1),
  ts: timestamp,
  runtime: z.string().optional(),
  pods: z.array(podSample),
  /** Runtime calls that failed for this sample; the sample is partial when non-empty. */
  errors: z.array(z.string()).default([]),
});
export type PodsSampleMessage = z.infer<typeof podsSampleMessage>;

import { z } from "zod";
import { messageBase, timestamp } from "./message.js";

export const kernelEventType = z.enum(["oom_kill", "swap_fault_latency", "container_start", "container_exit", "memory_pressure"]);
export type KernelEventType = z.infer<typeof kernelEventType>;

/** `vigil.events.kernel.<node>.<type>`: evidence from the kernel, from eBPF tracers or cgroup counters. */
export const kernelEventMessage = messageBase.extend({
  node: z.string().min(1),
  type: kernelEventType,
  observedAt: timestamp,
  source: z.enum(["bpftrace", "cgroup", "http", "grpc"]),
  pid: z.number().int().nonnegative().optional(),
  comm: z.string().optional(),
  cgroup: z.string().optional(),
  pod: z.object({ namespace: z.string(), name: z.string(), uid: z.string().optional() }).optional(),
  container: z.string().optional(),
  /** Type-specific fields, e.g. `{ totalVmKb, anonRssKb }` for oom_kill, `{ latencyDistributionUs }` for swap stalls. */
  data: z.record(z.string(), z.unknown()).default({}),
});
export type KernelEventMessage = z.infer<typeof kernelEventMessage>;

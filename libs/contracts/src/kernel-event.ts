import { z } from "zod";
import { messageBase, timestamp } from "./message.js";

/** Kernel event types Vigil understands and validates strictly; producers may send others when allowed. */
export const kernelEventType = z.enum([
  "oom_kill",
  "swap_fault_latency",
  "container_start",
  "container_exit",
  "signal_kill",
  "memory_pressure",
]);
export type KernelEventType = z.infer<typeof kernelEventType>;

/** A type token: a known type, or (where ebpf-ingest allows unknown types) any lower_snake_case name. */
export const kernelEventTypeName = z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, "type must be lower_snake_case, at most 64 characters");

/** Whether an OOM kill was confined to a memory cgroup (container or pod limit) or node-wide (global). */
export const oomScope = z.enum(["container", "node"]);
export type OomScope = z.infer<typeof oomScope>;

/** `vigil.events.kernel.<node>.<type>`: evidence from the kernel, from eBPF tracers, cgroup counters or any producer. */
export const kernelEventMessage = messageBase.extend({
  node: z.string().min(1),
  type: kernelEventTypeName,
  /** When the kernel saw it (the producer's `ts`), not when it was ingested. */
  observedAt: timestamp,
  source: z.enum(["bpftrace", "cgroup", "http", "grpc"]),
  /** The process the event is about (the OOM victim, the exiting task, the signal's target). */
  pid: z.number().int().nonnegative().optional(),
  comm: z.string().optional(),
  /** cgroup path relative to the cgroup root, e.g. /kubepods.slice/kubepods-burstable.slice/...scope */
  cgroup: z.string().optional(),
  pod: z.object({ namespace: z.string().optional(), name: z.string().optional(), uid: z.string().optional() }).optional(),
  container: z.object({ id: z.string(), name: z.string().optional(), runtime: z.string().optional() }).optional(),
  /** Type-specific fields in camelCase, e.g. `{ anonRssKb, oomScoreAdj, scope }` for oom_kill. */
  data: z.record(z.string(), z.unknown()).default({}),
});
export type KernelEventMessage = z.infer<typeof kernelEventMessage>;

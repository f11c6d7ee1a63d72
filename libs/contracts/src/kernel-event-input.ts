import { z } from "zod";
import { kernelEventTypeName } from "./kernel-event.js";

// What producers POST to ebpf-ingest (HTTP :3101 and gRPC), Konverse-compatible: one flat JSON object per
// event, snake_case, `type` required, `ts` optional (defaults to arrival time). Known types are strict:
// a misspelt field is an error rather than silently lost evidence.

/** RFC 3339, or epoch seconds / milliseconds / nanoseconds as a number (tracers emit all three). */
export const eventTime = z.union([
  // RFC 3339, also with a colon-less offset (+0000: Python's %z, which Konverse's tracers used).
  z
    .string()
    .refine(
      (s) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i.test(s) && Number.isFinite(Date.parse(s)),
      "ts must be an RFC 3339 time with an offset, or an epoch number",
    ),
  z.number().nonnegative(),
]);

const pid = z.number().int().nonnegative();
const kb = z.number().nonnegative();
const common = {
  ts: eventTime.optional(),
  /** The node the event happened on; ebpf-ingest fills in its own. */
  node: z.string().min(1).max(253).optional(),
  /** cgroup path (relative to the cgroup root, or absolute under /sys/fs/cgroup); used to find the pod. */
  cgroup_path: z.string().max(4096).optional(),
  /** The runtime's container id (64 hex); other values (Konverse sent the pod's hostname) are kept but not used to place the event. */
  container_id: z.string().min(1).max(128).optional(),
  pod_uid: z.string().max(64).optional(),
  /** Producer-chosen id: a retried POST with the same id is stored once. */
  event_id: z.string().min(1).max(256).optional(),
};

export const oomKillInput = z
  .object({
    ...common,
    type: z.literal("oom_kill"),
    /** Absent only from producers that see the kill but not the victim (cgroup counters). */
    victim_pid: pid.optional(),
    victim_comm: z.string().max(64).optional(),
    /** Kills this event stands for (cgroup counters may see several between two polls). */
    oom_kills: z.number().int().min(1).optional(),
    trigger_pid: pid.optional(),
    trigger_comm: z.string().max(64).optional(),
    total_vm_kb: kb.optional(),
    anon_rss_kb: kb.optional(),
    file_rss_kb: kb.optional(),
    shmem_rss_kb: kb.optional(),
    pgtables_kb: kb.optional(),
    oom_score_adj: z.number().int().min(-1000).max(1000).optional(),
    /** The kernel's OOM constraint when the producer knows it: CONSTRAINT_MEMCG means a cgroup limit. */
    constraint: z.enum(["none", "cpuset", "memory_policy", "memcg"]).optional(),
    /** The cgroup whose limit was hit, when it differs from the victim's (a pod-level limit). */
    memcg_path: z.string().max(4096).optional(),
  })
  .strict()
  .refine((e) => e.victim_pid !== undefined || e.cgroup_path !== undefined, {
    message: "an oom_kill needs victim_pid (and victim_comm) or, from cgroup counters, cgroup_path",
    path: ["victim_pid"],
  });

export const swapFaultLatencyInput = z
  .object({
    ...common,
    type: z.literal("swap_fault_latency"),
    /** A log2 histogram over the producer's interval, as Konverse's swaphist emits it. */
    latency_distribution_us: z
      .array(
        z
          .object({
            range_start_us: z.number().nonnegative(),
            range_end_us: z.number().nonnegative(),
            count: z.number().int().nonnegative(),
          })
          .strict(),
      )
      .max(64),
    interval_s: z.number().positive().optional(),
  })
  .strict();

export const containerStartInput = z
  .object({
    ...common,
    type: z.literal("container_start"),
    pid: pid.optional(),
    comm: z.string().max(64).optional(),
    cgroup_id: z.number().int().nonnegative().optional(),
  })
  .strict();

export const containerExitInput = z
  .object({
    ...common,
    type: z.literal("container_exit"),
    pid: pid.optional(),
    comm: z.string().max(64).optional(),
    cgroup_id: z.number().int().nonnegative().optional(),
    exit_code: z.number().int().optional(),
    signal: z.number().int().min(0).max(64).optional(),
  })
  .strict();

export const signalKillInput = z
  .object({
    ...common,
    type: z.literal("signal_kill"),
    sig: z.number().int().min(1).max(64),
    /** The target. */
    pid,
    comm: z.string().max(64).optional(),
    sender_pid: pid.optional(),
    sender_comm: z.string().max(64).optional(),
    /** The kernel's delivery result (0 delivered, 1 ignored, 2 already pending, ...). */
    result: z.number().int().optional(),
  })
  .strict();

export const knownKernelEventInput = z.discriminatedUnion("type", [
  oomKillInput,
  swapFaultLatencyInput,
  containerStartInput,
  containerExitInput,
  signalKillInput,
]);
export type KnownKernelEventInput = z.infer<typeof knownKernelEventInput>;

/** An event of a type Vigil does not know, accepted only where configured: its fields travel as they are. */
export const unknownKernelEventInput = z.object({ ...common, type: kernelEventTypeName }).catchall(z.unknown());
export type UnknownKernelEventInput = z.infer<typeof unknownKernelEventInput>;

/** Konverse's type names, accepted as aliases. */
export const kernelEventTypeAliases: Readonly<Record<string, string>> = {
  oom: "oom_kill",
  container_create: "container_start",
  container_delete: "container_exit",
};

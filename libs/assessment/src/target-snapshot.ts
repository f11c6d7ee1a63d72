// The target of an action as seen at one moment: its pods (ready, restarts, why they wait or last died, memory
// against limit), its rollout, its node, its volume, its HPA. Taken twice: when the execution is received (the
// baseline, right after the change) and when the assessment runs; the health component compares the two. The
// schema is here because the baseline travels in the delayed assessment task and must survive a restart.
import { timestamp } from "@vigil/contracts";
import { z } from "zod";

export const containerSnapshot = z.object({
  name: z.string(),
  ready: z.boolean(),
  restarts: z.number().int().nonnegative(),
  /** state.waiting.reason: CrashLoopBackOff, ImagePullBackOff... */
  waitingReason: z.string().optional(),
  /** lastState.terminated.reason: OOMKilled, Error... */
  lastTerminationReason: z.string().optional(),
  /** lastState.terminated.finishedAt (ISO, cluster time). */
  lastTerminatedAt: z.string().optional(),
  memoryLimitBytes: z.number().nonnegative().optional(),
  /** metrics.k8s.io working set, when metrics are served. */
  memoryWorkingSetBytes: z.number().nonnegative().optional(),
  cpuLimitCores: z.number().nonnegative().optional(),
  cpuUsageCores: z.number().nonnegative().optional(),
});
export type ContainerSnapshot = z.infer<typeof containerSnapshot>;

export const podSnapshot = z.object({
  uid: z.string(),
  name: z.string(),
  namespace: z.string(),
  node: z.string().optional(),
  phase: z.string().optional(),
  ready: z.boolean(),
  /** Has a deletionTimestamp: on its way out, not counted as serving. */
  deleting: z.boolean(),
  createdAt: z.string().optional(),
  containers: z.array(containerSnapshot),
});
export type PodSnapshot = z.infer<typeof podSnapshot>;

export const targetSnapshot = z.object({
  at: timestamp,
  /** The object observed (the owner, or the target when it has no owner) exists. */
  exists: z.boolean(),
  /** The pods of the owner (for a Node: none; its own state is in `node`). */
  pods: z.array(podSnapshot),
  workload: z
    .object({
      kind: z.string(),
      desired: z.number().int().nonnegative(),
      ready: z.number().int().nonnegative(),
      updated: z.number().int().nonnegative(),
      available: z.number().int().nonnegative(),
      generation: z.number().int().nonnegative(),
      observedGeneration: z.number().int().nonnegative(),
      rolloutComplete: z.boolean(),
      /** ProgressDeadlineExceeded and the like, in words. */
      rolloutFailed: z.string().optional(),
    })
    .optional(),
  node: z
    .object({
      name: z.string(),
      ready: z.boolean(),
      unschedulable: z.boolean(),
      /** Conditions other than Ready that are True: MemoryPressure, DiskPressure, PIDPressure. */
      pressure: z.array(z.string()),
    })
    .optional(),
  volume: z.object({ claim: z.string(), usedBytes: z.number().nonnegative(), capacityBytes: z.number().nonnegative() }).optional(),
  hpa: z
    .object({
      name: z.string(),
      current: z.number().int().nonnegative(),
      desired: z.number().int().nonnegative(),
      min: z.number().int().nonnegative(),
      max: z.number().int().nonnegative(),
      /** At its maximum and wanting more (ScalingLimited / desired ≥ max). */
      pinned: z.boolean(),
    })
    .optional(),
  /** Alerts firing for the owner at that moment (fingerprint, alertname, startsAt ISO). */
  firingAlerts: z.array(z.object({ fingerprint: z.string(), alertname: z.string(), startsAt: z.string() })).default([]),
  /** Warning events on the owner, its pods or its node in the window before this moment. */
  warningEvents: z.number().int().nonnegative().default(0),
});
export type TargetSnapshot = z.infer<typeof targetSnapshot>;

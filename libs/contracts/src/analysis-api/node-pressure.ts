// Schemas of the analyzer API: node-pressure (`GET /api/v1/nodes/{node}/pressure`). Memory pressure of one node
// from the collector's samples (`vigil.metrics.node.<node>`) and kernel events (`vigil.events.kernel.<node>.*`)
// as the analyzer keeps them: PSI, MemAvailable, swap and its trend, swap stall latency, OOM kills by scope.
// Beyond k8s-cluster-agent (which had no such endpoint); what Konverse's playbook asked an LLM to eyeball.
import { z } from "zod";
import { oomScope } from "../kernel-event.js";
import { messageId } from "../message.js";

const isoTime = z.iso.datetime({ offset: true });
const bytes = z.number().nonnegative();
const percent = z.number().min(0).max(100);
const psiAverages = z.object({ avg10: z.number().nonnegative(), avg60: z.number().nonnegative(), avg300: z.number().nonnegative() });

export const swapTrendName = z.enum(["flat", "spiky", "rising"]);

export const nodePressure = z.object({
  nodeName: z.string(),
  /** Cluster time of the answer. */
  timestamp: isoTime,
  /** What was read: samples and kernel events within these windows back from `timestamp`. */
  window: z.object({ samplesSeconds: z.number().positive(), kernelEventsSeconds: z.number().positive() }),
  /** The newest collector sample (its own clock), how old it is in cluster time, and how many samples the window holds. */
  sample: z.object({ id: messageId, at: isoTime, ageSeconds: z.number(), samplesInWindow: z.number().int().positive() }),
  /** Overall judgement from the same thresholds as the kernel analyzers, with the reasons. */
  pressure: z.enum(["none", "warning", "critical"]),
  reasons: z.array(z.string()),
  /** Memory pressure stall information (%), newest sample; absent on hosts without PSI (kernel < 4.20, psi=0). */
  psi: z.object({ some: psiAverages, full: psiAverages.optional() }).optional(),
  memory: z.object({
    totalBytes: bytes.optional(),
    availableBytes: bytes.optional(),
    /** MemAvailable as a share of MemTotal. */
    availablePercent: percent.optional(),
    /** The lowest MemAvailable in the window. */
    minAvailableBytes: bytes.optional(),
  }),
  swap: z.object({
    /** SwapTotal > 0 on the newest sample. */
    enabled: z.boolean(),
    totalBytes: bytes.optional(),
    usedBytes: bytes.optional(),
    usedPercent: percent.optional(),
    /**
     * rising: the least-squares line through (time, swap used) grows ≥ 64 MiB over the window and ≥ 2× the
     * scatter around it; spiky: otherwise, a range ≥ 64 MiB or swap I/O ≥ 256 pages/s; flat: the rest, or too few
     * samples (enoughData false).
     */
    trend: swapTrendName,
    slopeBytesPerMinute: z.number(),
    rangeBytes: bytes,
    residualStdDevBytes: bytes,
    peakSwapIoPagesPerSecond: z.number().nonnegative(),
    samples: z.number().int().nonnegative(),
    enoughData: z.boolean(),
  }),
  /** Swap-in fault latency from swap_fault_latency histograms; absent when no fault was recorded. */
  swapStalls: z
    .object({
      events: z.number().int().positive(),
      faults: z.number().int().positive(),
      faultsPerSecond: z.number().nonnegative().optional(),
      p50Us: z.number().nonnegative(),
      p99Us: z.number().nonnegative(),
      maxUs: z.number().nonnegative(),
      /** The bucket with the most faults. */
      modeBucket: z.object({ startUs: z.number().nonnegative(), endUs: z.number().nonnegative(), count: z.number().int().positive() }),
    })
    .optional(),
  /** OOM kills in the kernel-event window: container scope (a memory cgroup limit) vs node scope (global OOM). */
  oomKills: z.object({
    container: z.number().int().nonnegative(),
    node: z.number().int().nonnegative(),
    /** Kills the producer could not classify. */
    unknownScope: z.number().int().nonnegative(),
    /** Newest first, at most 50. */
    victims: z.array(
      z.object({
        kernelEventId: messageId,
        at: isoTime,
        scope: oomScope.optional(),
        pid: z.number().int().nonnegative().optional(),
        comm: z.string().optional(),
        namespace: z.string().optional(),
        pod: z.string().optional(),
        container: z.string().optional(),
        rssBytes: bytes.optional(),
        reason: z.string().optional(),
      }),
    ),
  }),
});
export type NodePressure = z.infer<typeof nodePressure>;

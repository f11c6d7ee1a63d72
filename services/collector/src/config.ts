import { hostname } from "node:os";
import { durationMs } from "@vigil/contracts";
import { envBoolean } from "@vigil/service";
import { z } from "zod";

const duration = (dflt: string, minMs: number, what: string) =>
  z
    .string()
    .default(dflt)
    .pipe(durationMs)
    .refine((ms) => ms >= minMs, `${what} must be at least ${minMs} ms`);

export const collectorConfigShape = {
  /** The node this collector runs on: the DaemonSet sets it from the downward API (spec.nodeName). */
  NODE_NAME: z.string().min(1).default(hostname()),
  /** Where the host's / is mounted (its /proc, /sys and filesystems); "/" when not in a container. */
  HOST_ROOT: z.string().min(1).default("/"),
  COLLECTOR_SAMPLE_INTERVAL: duration("1s", 100, "COLLECTOR_SAMPLE_INTERVAL"),
  /** Pods are sampled through the container runtime less often: kubelet's own cadence is 10-15 s. */
  COLLECTOR_POD_SAMPLE_INTERVAL: duration("10s", 500, "COLLECTOR_POD_SAMPLE_INTERVAL"),
  /** How far back /history reaches, for node samples and kernel events alike. */
  COLLECTOR_HISTORY_WINDOW: duration("15m", 1000, "COLLECTOR_HISTORY_WINDOW"),
  /**
   * Kernel events kept for /history and /stream resume, newest first, within the window: an OOM storm must not
   * grow the collector past its memory limit (an event is ~1 KB in memory). JetStream keeps every event.
   */
  COLLECTOR_HISTORY_MAX_EVENTS: z.coerce.number().int().min(100).default(20_000),
  COLLECTOR_TOP_PROCESSES: z.coerce.number().int().min(0).max(100).default(10),
  /** CRI endpoint (`unix:///run/containerd/containerd.sock`); empty: discover under HOST_ROOT; `none`: no pod sampling. */
  COLLECTOR_CRI_ENDPOINT: z.string().min(1).optional(),
  /** Publish samples to JetStream; false keeps them local (/history, /stream, /metrics only). */
  COLLECTOR_PUBLISH: envBoolean.default(true),
  COLLECTOR_STREAM_HEARTBEAT: duration("15s", 100, "COLLECTOR_STREAM_HEARTBEAT"),
  /** A /stream client with more than this queued is not reading and is disconnected. */
  COLLECTOR_STREAM_MAX_BUFFER_BYTES: z.coerce
    .number()
    .int()
    .min(64 * 1024)
    .default(4 * 1024 * 1024),
};

export type CollectorConfig = z.infer<z.ZodObject<typeof collectorConfigShape>>;

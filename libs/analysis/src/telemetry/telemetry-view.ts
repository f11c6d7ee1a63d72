// What analyzers read of node telemetry: collector samples (`vigil.metrics.node.*`, `vigil.metrics.pods.*`)
// and kernel events (`vigil.events.kernel.*`), kept per node as bounded time windows (NodeTelemetry). Times
// are the producers' own (`ts`, `observedAt`): a node's clock, not the cluster's.
import type { KernelEventMessage, NodeSampleMessage, PodsSampleMessage } from "@vigil/contracts";

export interface KernelEventQuery {
  /** Only events observed at or after this time (epoch ms). */
  sinceMs?: number;
  type?: string;
  /** Only events attributed to this pod (by uid, else namespace/name). */
  pod?: { uid?: string; namespace?: string; name?: string };
}

export interface TelemetryView {
  /** Nodes with any telemetry in the window. */
  nodes(): string[];
  /** A node's samples, oldest first (`sinceMs` by sample time). */
  nodeSamples(node: string, sinceMs?: number): readonly NodeSampleMessage[];
  /** A node's pod samples (CRI), oldest first. */
  podSamples(node: string, sinceMs?: number): readonly PodsSampleMessage[];
  /** Kernel events of a node, or of every node when `node` is undefined; oldest first. */
  kernelEvents(node: string | undefined, query?: KernelEventQuery): readonly KernelEventMessage[];
  /** How far back the windows reach (views say "no sample in the last 15m"); defaults apply when absent. */
  windows?(): TelemetryWindows;
}

export interface TelemetryWindows {
  /** Node and pod samples. */
  samplesMs: number;
  kernelEventsMs: number;
}

/** NodeTelemetry's defaults: 15 minutes of samples (the collector's own history), an hour of kernel evidence. */
export const defaultTelemetryWindows: TelemetryWindows = { samplesMs: 15 * 60_000, kernelEventsMs: 60 * 60_000 };

/** No collector and no ebpf-ingest: every window is empty (analyses then rest on cluster state alone). */
export const noTelemetry: TelemetryView = {
  nodes: () => [],
  nodeSamples: () => [],
  podSamples: () => [],
  kernelEvents: () => [],
};

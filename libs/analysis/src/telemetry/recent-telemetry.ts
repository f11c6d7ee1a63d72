// The part of a node's telemetry windows that is recent by cluster time (`ctx.now`): the windows themselves are
// pruned by the producers' clocks, so a node whose collector stopped an hour ago still holds its last samples;
// analyses must not judge today's pressure by them. Both analyzers and the pressure view read through here.
import type { KernelEventMessage, NodeSampleMessage, PodsSampleMessage } from "@vigil/contracts";
import type { AnalysisContext } from "../analyzer-definition.js";
import { defaultTelemetryWindows, type KernelEventQuery, type TelemetryWindows } from "./telemetry-view.js";

type Ctx = Pick<AnalysisContext, "telemetry" | "now">;

export function telemetryWindows(ctx: Pick<AnalysisContext, "telemetry">): TelemetryWindows {
  return ctx.telemetry.windows?.() ?? defaultTelemetryWindows;
}

/** Node samples taken within the sample window before cluster time. */
export function recentNodeSamples(ctx: Ctx, node: string): readonly NodeSampleMessage[] {
  return ctx.telemetry.nodeSamples(node, ctx.now - telemetryWindows(ctx).samplesMs);
}

export function recentPodSamples(ctx: Ctx, node: string): readonly PodsSampleMessage[] {
  return ctx.telemetry.podSamples(node, ctx.now - telemetryWindows(ctx).samplesMs);
}

/** Kernel events observed within the kernel-event window before cluster time. */
export function recentKernelEvents(
  ctx: Ctx,
  node: string | undefined,
  query: Omit<KernelEventQuery, "sinceMs"> = {},
): readonly KernelEventMessage[] {
  return ctx.telemetry.kernelEvents(node, { ...query, sinceMs: ctx.now - telemetryWindows(ctx).kernelEventsMs });
}

/** "15m", "1h", "1h30m": a window as people write it. */
export function windowText(windowMs: number): string {
  const minutes = Math.round(windowMs / 60_000);
  if (minutes < 60) return `${minutes}m`;
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return m ? `${h}h${m}m` : `${h}h`;
}

// Kernel evidence from the telemetry windows (ebpf-ingest and cgroup counters): OOM kills with their scope
// (a container's memory cgroup limit vs the node-wide OOM killer), victim and cgroup; memory-pressure events;
// swap-in stall histograms reduced to their fault count and p99. Newest first, at most MAX_EVENTS listed, with
// counts over everything that matched so nothing is hidden by the bound.
import { oomKillCount, oomScopeOf, oomVictim, oomVictimRssBytes, swapLatency } from "@vigil/analysis";
import type { KernelEventMessage } from "@vigil/contracts";
import { z } from "zod";
import { defineTool, ToolInputError } from "../../tool-definition.js";

const MAX_EVENTS = 40;
/** `data` of other event types is shown when it is this small, else only its keys. */
const MAX_DATA_CHARS = 300;

const input = z.object({
  node: z.string().min(1).optional().describe("Only this node's events (default: every node)"),
  namespace: z.string().min(1).optional().describe("Only events attributed to pods of this namespace"),
  pod: z.string().min(1).optional().describe("Only events attributed to this pod (name; add namespace to be exact)"),
  type: z
    .string()
    .min(1)
    .optional()
    .describe("Only this event type: oom_kill, memory_pressure, swap_fault_latency, container_exit, signal_kill..."),
  minutes: z
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(60)
    .describe("How far back to look (default 60; kernel events are usually kept for an hour)"),
});

function details(e: KernelEventMessage): Record<string, unknown> {
  if (e.type === "oom_kill") {
    const rss = oomVictimRssBytes(e);
    const reason = e.data["scopeReason"];
    return {
      scope: oomScopeOf(e) ?? "unknown",
      victim: oomVictim(e),
      kills: oomKillCount(e),
      ...(rss !== undefined ? { victimRssMiB: Math.round(rss / (1024 * 1024)) } : {}),
      ...(typeof reason === "string" ? { scopeReason: reason } : {}),
    };
  }
  if (e.type === "swap_fault_latency") {
    const l = swapLatency([e]);
    return l ? { faults: l.faults, p50Us: l.p50Us, p99Us: l.p99Us, maxUs: l.maxUs } : { faults: 0 };
  }
  const data = JSON.stringify(e.data);
  return data.length <= MAX_DATA_CHARS ? { data: e.data } : { dataKeys: Object.keys(e.data) };
}

function view(e: KernelEventMessage) {
  return {
    id: e.id,
    at: e.observedAt,
    node: e.node,
    type: e.type,
    ...(e.comm && e.type !== "oom_kill" ? { comm: e.comm } : {}),
    ...(e.pod?.namespace || e.pod?.name ? { pod: [e.pod.namespace, e.pod.name].filter(Boolean).join("/") } : {}),
    ...(e.container?.name ? { container: e.container.name } : {}),
    ...(e.cgroup ? { cgroup: e.cgroup } : {}),
    ...details(e),
  };
}

export const kernelEventsTool = defineTool({
  name: "kernel_events",
  title: "Kernel events",
  description:
    "Kernel evidence from the nodes, newest first: OOM kills with their scope (container = a memory cgroup limit was hit; " +
    "node = the node-wide OOM killer ran), victim process, cgroup and pod; memory-pressure events; swap-in stall " +
    "histograms (faults, p99 µs). Filter by node, namespace, pod, type and minutes. Also counts by type and OOM scope.",
  input,
  run(ctx, q) {
    const a = ctx.analysis();
    if (q.node && !a.telemetry.nodes().includes(q.node) && !a.cache.get({ kind: "Node", name: q.node }))
      throw new ToolInputError(`unknown node ${q.node}: no Node object in the cluster and no telemetry from it`);
    const matching = a.telemetry
      .kernelEvents(q.node, { sinceMs: a.now - q.minutes * 60_000, ...(q.type ? { type: q.type } : {}) })
      .filter((e) => (!q.namespace || e.pod?.namespace === q.namespace) && (!q.pod || e.pod?.name === q.pod));
    const byType: Record<string, number> = {};
    const oomByScope: Record<string, number> = {};
    for (const e of matching) {
      byType[e.type] = (byType[e.type] ?? 0) + 1;
      if (e.type === "oom_kill") oomByScope[oomScopeOf(e) ?? "unknown"] = (oomByScope[oomScopeOf(e) ?? "unknown"] ?? 0) + oomKillCount(e);
    }
    const newestFirst = [...matching].reverse().slice(0, MAX_EVENTS);
    return Promise.resolve({
      window: { minutes: q.minutes, since: new Date(a.now - q.minutes * 60_000).toISOString() },
      total: matching.length,
      byType,
      ...(byType["oom_kill"] ? { oomKillsByScope: oomByScope } : {}),
      ...(matching.length === 0 ? { note: `no kernel event matched in the last ${q.minutes}m` } : {}),
      ...(matching.length > newestFirst.length ? { note: `${matching.length - newestFirst.length} older events not listed` } : {}),
      events: newestFirst.map(view),
    });
  },
});

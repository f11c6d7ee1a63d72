// Kernel evidence from ebpf-ingest: an OOM kill of one of the owner's containers after the action means the memory
// problem is back, whatever the pod's restart count says (increase_resources rolls the pods, so the counter starts
// again at 0 while the new limit may still be too low): value 0 and a recurrence. Memory pressure on the owner's nodes
// after the action (PSI and swap-stall events, a node-wide OOM kill) lowers the value. Kills only before the action
// score 1. Without any kernel telemetry from the owner's nodes there is nothing to judge, and quiet telemetry only
// judges when OOM or pressure was part of the problem before.
import { oomKillCount, oomScopeOf, oomVictim } from "@vigil/analysis";
import { resourceKey, type KernelEventMessage } from "@vigil/contracts";
import type { AssessmentContext, TimeWindow } from "../assessment-context.js";
import { defineComponent, type ComponentResult } from "../component-definition.js";
import { podBelongsTo } from "../owner-scope.js";

/** Kernel event types that say a node is short of memory (contracts' kernelEventType). */
const PRESSURE_TYPES: ReadonlySet<string> = new Set(["memory_pressure", "swap_fault_latency"]);

/** Pressure after the action but less of it than before: better, not fixed. More or new pressure: mostly bad. */
export const kernelPressureScores = { lessThanBefore: 0.75, notLess: 0.25 } as const;

interface Classified {
  ownerOoms: KernelEventMessage[];
  pressure: KernelEventMessage[];
}

const at = (e: KernelEventMessage): number => Date.parse(e.observedAt);
const kills = (events: KernelEventMessage[]): number => events.reduce((n, e) => n + oomKillCount(e), 0);
const perMinute = (n: number, w: TimeWindow): number => n / Math.max(1, (w.to - w.from) / 60_000);

/** The nodes the owner's pods ran on, at the baseline and now (and the node itself for a Node owner). */
function ownerNodes(ctx: AssessmentContext): string[] {
  const nodes = new Set<string>();
  for (const p of [...ctx.baseline.pods, ...ctx.current.pods]) if (p.node) nodes.add(p.node);
  for (const n of [ctx.baseline.node?.name, ctx.current.node?.name]) if (n) nodes.add(n);
  if (ctx.subject.owner.kind === "Node") nodes.add(ctx.subject.owner.name);
  return [...nodes].sort();
}

function classify(ctx: AssessmentContext, events: readonly KernelEventMessage[], nodes: ReadonlySet<string>): Classified {
  const { owner } = ctx.subject;
  const uids = new Set([...ctx.baseline.pods, ...ctx.current.pods].map((p) => p.uid));
  const ofOwner = (e: KernelEventMessage): boolean => {
    if (!e.pod) return false;
    if (e.pod.uid && uids.has(e.pod.uid)) return true;
    // A pod replaced since (restart_pod, a rollout) is gone from the cache: its generated name still says whose it was.
    return (
      e.pod.name !== undefined &&
      podBelongsTo(ctx.cluster, { name: e.pod.name, ...(e.pod.namespace ? { namespace: e.pod.namespace } : {}) }, owner)
    );
  };
  const out: Classified = { ownerOoms: [], pressure: [] };
  for (const e of events) {
    if (e.type === "oom_kill") {
      // A memcg kill of the owner's container is its own limit being hit; a node-wide kill is the node's shortage.
      const scope = oomScopeOf(e);
      if (scope !== "node" && ofOwner(e)) out.ownerOoms.push(e);
      else if (scope === "node" && nodes.has(e.node)) out.pressure.push(e);
    } else if (PRESSURE_TYPES.has(e.type) && nodes.has(e.node)) {
      out.pressure.push(e);
    }
  }
  return out;
}

function describeOoms(events: KernelEventMessage[]): string {
  const pods = [...new Set(events.map((e) => `${e.pod?.namespace ?? "?"}/${e.pod?.name ?? e.pod?.uid ?? "?"}`))];
  const first = events[0]!;
  return `${kills(events)} OOM kill(s) of ${pods.join(", ")} (first at ${first.observedAt}: ${oomVictim(first)}${first.container?.name ? ` in container ${first.container.name}` : ""})`;
}

export function assessKernel(ctx: AssessmentContext): ComponentResult {
  const { subject, windows } = ctx;
  const nodes = ownerNodes(ctx);
  const nodeSet = new Set(nodes);
  const all = ctx.telemetry.kernelEvents(undefined, { sinceMs: windows.before.from });
  const inWindow = (w: TimeWindow) => all.filter((e) => at(e) >= w.from && at(e) <= w.to);
  const before = classify(ctx, inWindow({ from: windows.before.from, to: subject.actionAt }), nodeSet);
  const settling = classify(ctx, inWindow({ from: subject.actionAt + 1, to: windows.after.from - 1 }), nodeSet);
  const after = classify(ctx, inWindow({ from: Math.max(windows.after.from, subject.actionAt + 1), to: windows.after.to }), nodeSet);
  const reporting = nodes.filter((n) => ctx.telemetry.kernelEvents(n).length > 0);
  const owner = resourceKey(subject.owner);
  const nodesText = nodes.length > 0 ? nodes.join(", ") : "(none known)";

  const list = (c: Classified) =>
    [...c.ownerOoms, ...c.pressure].map((e) => ({
      id: e.id,
      node: e.node,
      type: e.type,
      observedAt: e.observedAt,
      pod: e.pod,
      scope: oomScopeOf(e),
    }));
  const evidence = {
    owner,
    nodes,
    nodesWithKernelTelemetry: reporting,
    before: list(before),
    // While the action settled (an old pod of a rollout dying with its old limit): shown, not scored.
    duringStabilization: list(settling),
    after: list(after),
  };

  if (after.ownerOoms.length > 0) {
    const why =
      subject.action === "increase_resources"
        ? " after increase_resources: the new limit is still too low (a recurrence even though the pods were replaced and their restart counts reset)"
        : " after the action: the memory problem is back";
    return { value: 0, recurrence: true, explanation: `${describeOoms(after.ownerOoms)}${why}.`, evidence };
  }
  if (after.pressure.length > 0) {
    const rateBefore = perMinute(before.pressure.length, windows.before);
    const rateAfter = perMinute(after.pressure.length, windows.after);
    const less = rateAfter < rateBefore;
    const types = [...new Set(after.pressure.map((e) => e.type))].join(", ");
    return {
      value: less ? kernelPressureScores.lessThanBefore : kernelPressureScores.notLess,
      explanation:
        `No OOM kill of ${owner} after the action, but ${after.pressure.length} memory-pressure event(s) (${types}) on ${nodesText}: ` +
        `${rateAfter.toFixed(2)}/min after vs ${rateBefore.toFixed(2)}/min before${less ? ", less than before" : ""}.`,
      evidence,
    };
  }
  if (before.ownerOoms.length > 0 || before.pressure.length > 0) {
    const parts = [
      ...(before.ownerOoms.length > 0 ? [describeOoms(before.ownerOoms)] : []),
      ...(before.pressure.length > 0 ? [`${before.pressure.length} memory-pressure event(s) on ${nodesText}`] : []),
    ];
    return { value: 1, explanation: `${parts.join(" and ")} before the action; none after it.`, evidence };
  }
  if (reporting.length === 0) {
    return { value: null, explanation: `No kernel telemetry for nodes ${nodesText}: ebpf-ingest reported nothing from them.`, evidence };
  }
  const oomBefore = ctx.baseline.pods.some((p) => p.containers.some((c) => c.lastTerminationReason === "OOMKilled"));
  if (oomBefore) {
    return {
      value: 1,
      explanation: `Kubelet reported OOMKilled containers of ${owner} before the action; ebpf-ingest, reporting from ${reporting.join(", ")}, saw no OOM kill or memory pressure after it.`,
      evidence,
    };
  }
  return {
    value: null,
    explanation: `ebpf-ingest reports from ${reporting.join(", ")} but saw no OOM kill of ${owner} and no memory pressure before or after the action: the kernel has nothing to judge here.`,
    evidence,
  };
}

export const kernel = defineComponent({
  name: "kernel",
  weight: 0.1,
  description:
    "Kernel evidence from ebpf-ingest: an OOM kill of the owner's containers after the action scores 0 and is a recurrence (even after the " +
    "pods were replaced); memory pressure on the owner's nodes after it lowers the value; OOM kills only before it score 1; no kernel telemetry is no data.",
  assess: assessKernel,
});

// A pod's container-scope OOM kills from the kernel, per container, split into the kills Kubernetes saw (the
// container's main process died, so the container restarted: OOMKilled in its last state) and the kills it did
// not (the container still runs the instance that was running when the kill happened: a child process died,
// not PID 1, and nothing in the pod's status says so).
import type { V1ContainerStatus, V1Pod } from "@kubernetes/client-node";
import type { KernelEventMessage } from "@vigil/contracts";
import type { AnalysisContext } from "../../analyzer-definition.js";
import { ms } from "../../evidence.js";
import { memoryThresholds } from "../../telemetry/memory-thresholds.js";
import { isOomKill, oomScopeOf } from "../../telemetry/oom-kills.js";
import { recentKernelEvents } from "../../telemetry/recent-telemetry.js";

export interface ContainerOomKills {
  /** The container the kills were in, when the event or the pod tells (a single-container pod). */
  container?: string;
  status?: V1ContainerStatus;
  /** The container restarted after these: Kubernetes reported them (OOMKilled). */
  seen: KernelEventMessage[];
  /** The container survived these: Kubernetes shows nothing. */
  unseen: KernelEventMessage[];
  /** Too recent to tell: the container still runs, but the kubelet may not have reported a restart yet. */
  pending: KernelEventMessage[];
}

// A restarted container's new startedAt has second precision and may fall in the second of the kill: the
// instance must have been running this long before a kill to have "survived" it.
const SURVIVED_MARGIN_MS = 2_000;

const stripRuntime = (id: string | undefined): string | undefined => id?.replace(/^[a-z0-9-]+:\/\//, "");

function statusesOf(pod: V1Pod): V1ContainerStatus[] {
  return [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
}

/** The container an event names: by name, else by runtime id (current or last instance), else the only container. */
function containerOf(pod: V1Pod, e: KernelEventMessage): string | undefined {
  const names = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])].map((c) => c.name);
  if (e.container?.name && names.includes(e.container.name)) return e.container.name;
  const id = e.container?.id;
  if (id) {
    for (const s of statusesOf(pod)) {
      if (stripRuntime(s.containerID) === id || stripRuntime(s.lastState?.terminated?.containerID) === id) return s.name;
    }
  }
  const app = pod.spec?.containers ?? [];
  return app.length === 1 ? app[0]!.name : undefined;
}

/** Whether the container's running instance was already running at the kill (and for how sure we are). */
function outcome(status: V1ContainerStatus | undefined, killAt: number, ctx: AnalysisContext): "seen" | "unseen" | "pending" {
  const started = ms(status?.state?.running?.startedAt);
  if (started === undefined || started > killAt - SURVIVED_MARGIN_MS) return "seen";
  return ctx.now - killAt >= memoryThresholds.oom.unseenGraceMs ? "unseen" : "pending";
}

export function podOomKills(pod: V1Pod, ctx: AnalysisContext): ContainerOomKills[] {
  const uid = pod.metadata?.uid;
  const namespace = pod.metadata?.namespace;
  const name = pod.metadata?.name;
  const events = recentKernelEvents(ctx, pod.spec?.nodeName, {
    type: "oom_kill",
    pod: { ...(uid ? { uid } : {}), ...(namespace ? { namespace } : {}), ...(name ? { name } : {}) },
  }).filter((e) => isOomKill(e) && oomScopeOf(e) !== "node");
  const byContainer = new Map<string, ContainerOomKills>();
  for (const e of events) {
    const container = containerOf(pod, e);
    const key = container ?? "";
    let entry = byContainer.get(key);
    if (!entry) {
      const status = container ? statusesOf(pod).find((s) => s.name === container) : undefined;
      entry = { ...(container ? { container } : {}), ...(status ? { status } : {}), seen: [], unseen: [], pending: [] };
      byContainer.set(key, entry);
    }
    entry[outcome(entry.status, Date.parse(e.observedAt), ctx)].push(e);
  }
  return [...byContainer.values()];
}

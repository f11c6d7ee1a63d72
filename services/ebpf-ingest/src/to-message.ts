// A validated producer event (snake_case, flat) becomes a Vigil kernel event message: the process it is about
// in pid/comm, the pod and container it belongs to, and the type-specific rest in camelCase under `data`.
import type { KernelEventMessage } from "@vigil/contracts";
import type { EventInput } from "./event-input.js";

export interface Placement {
  cgroup?: string;
  pod?: KernelEventMessage["pod"];
  container?: KernelEventMessage["container"];
  /** Extra facts for `data` (OOM scope and its reason). */
  data?: Record<string, unknown>;
}

// Fields that become top-level message fields (or are consumed), never copied into `data`.
const ENVELOPE = new Set(["type", "ts", "node", "cgroup_path", "container_id", "pod_uid", "event_id"]);
const camel = (k: string) => k.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());

/** The pid/comm the event is about: the OOM victim, the exiting or signalled task. */
function subject(input: EventInput): { pid?: number; comm?: string; consumed: string[] } {
  const e = input.event as Record<string, unknown>;
  if (input.known && input.event.type === "oom_kill") {
    return { ...(e.victim_pid !== undefined ? { pid: e.victim_pid as number } : {}), ...(e.victim_comm !== undefined ? { comm: e.victim_comm as string } : {}), consumed: ["victim_pid", "victim_comm"] };
  }
  const pid = typeof e.pid === "number" && Number.isInteger(e.pid) && e.pid >= 0 ? e.pid : undefined;
  const comm = typeof e.comm === "string" ? e.comm : undefined;
  return { ...(pid !== undefined ? { pid } : {}), ...(comm !== undefined ? { comm } : {}), consumed: ["pid", "comm"] };
}

export function toMessage(input: EventInput, fields: { id: string; node: string; observedAt: string; source: KernelEventMessage["source"] }, placement: Placement): KernelEventMessage {
  const e = input.event as Record<string, unknown>;
  const who = subject(input);
  const data: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(e)) {
    if (v === undefined || ENVELOPE.has(k) || who.consumed.includes(k)) continue;
    data[camel(k)] = camelDeep(v);
  }
  return {
    id: fields.id,
    correlationId: fields.id,
    node: fields.node,
    type: e.type as string,
    observedAt: fields.observedAt,
    source: fields.source,
    ...(who.pid !== undefined ? { pid: who.pid } : {}),
    ...(who.comm !== undefined ? { comm: who.comm } : {}),
    ...(placement.cgroup ? { cgroup: placement.cgroup } : {}),
    ...(placement.pod ? { pod: placement.pod } : {}),
    ...(placement.container ? { container: placement.container } : {}),
    data: { ...data, ...placement.data },
  };
}

/** Nested keys too (the swap histogram's buckets), so consumers see one naming style. */
function camelDeep(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(camelDeep);
  if (v === null || typeof v !== "object") return v;
  return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [camel(k), camelDeep(x)]));
}

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
// Field names repeat across events: convert each once (this runs for every field of 20,000 events/s).
const camelCache = new Map<string, string>();
const camel = (k: string): string => {
  let c = camelCache.get(k);
  if (c === undefined) {
    c = k.replace(/_([a-z0-9])/g, (_m, x: string) => x.toUpperCase());
    if (camelCache.size < 10_000) camelCache.set(k, c);
  }
  return c;
};

/** Which fields name the process the event is about: the OOM victim, else the exiting or signalled task. */
const subjectFields = (input: EventInput): readonly [string, string] =>
  input.known && input.event.type === "oom_kill" ? ["victim_pid", "victim_comm"] : ["pid", "comm"];

export function toMessage(
  input: EventInput,
  fields: { id: string; node: string; observedAt: string; source: KernelEventMessage["source"] },
  placement: Placement,
): KernelEventMessage {
  const e = input.event as Record<string, unknown>;
  const [pidField, commField] = subjectFields(input);
  const pid = e[pidField];
  const comm = e[commField];
  const data: Record<string, unknown> = {};
  for (const k in e) {
    const v = e[k];
    if (v === undefined || ENVELOPE.has(k) || k === pidField || k === commField) continue;
    data[camel(k)] = typeof v === "object" && v !== null ? camelDeep(v) : v;
  }
  // Plain assignments, not spreads: this runs for every event (20,000/s in the bench).
  const message: KernelEventMessage = {
    id: fields.id,
    correlationId: fields.id,
    node: fields.node,
    type: e.type as string,
    observedAt: fields.observedAt,
    source: fields.source,
    data,
  };
  if (typeof pid === "number" && Number.isInteger(pid) && pid >= 0) message.pid = pid;
  if (typeof comm === "string") message.comm = comm;
  if (placement.cgroup) message.cgroup = placement.cgroup;
  if (placement.pod) message.pod = placement.pod;
  if (placement.container) message.container = placement.container;
  if (placement.data) for (const k in placement.data) data[k] = placement.data[k];
  return message;
}

/** Nested keys too (the swap histogram's buckets), so consumers see one naming style. */
function camelDeep(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(camelDeep);
  if (v === null || typeof v !== "object") return v;
  return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [camel(k), camelDeep(x)]));
}

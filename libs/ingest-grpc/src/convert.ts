// Event (decoded protobuf) -> the flat snake_case object `POST /events` takes, so ebpf-ingest validates both
// transports with the same schemas and answers with the same messages. Nothing is validated here: a missing
// type, a wrong pid or a payload that does not match the type all reach the schema and come back as per-event
// rejections. This runs once per event at tens of thousands per second, so it only copies properties.
import { fromStruct } from "./struct.js";
import type { Event, LatencyBucket } from "./types.js";

/** OomConstraint names -> the HTTP API's strings. UNSPECIFIED (the proto3 default) means "not known": left out. */
const CONSTRAINTS: Readonly<Record<string, string>> = {
  OOM_CONSTRAINT_NONE: "none",
  OOM_CONSTRAINT_CPUSET: "cpuset",
  OOM_CONSTRAINT_MEMORY_POLICY: "memory_policy",
  OOM_CONSTRAINT_MEMCG: "memcg",
};

/**
 * The HTTP input object for one Event:
 * - `type` as sent, or, when empty, the name of the typed payload (the Struct payload may carry its own);
 * - `ts_unix_nano` becomes `ts`, epoch nanoseconds as a number (the HTTP API reads large numbers as ns);
 * - common fields and payload fields keep their names (the proto uses the HTTP names); absent stays absent;
 * - `other` (a Struct) is flattened into the object; fields set on the Event win over its keys.
 */
export function eventToInput(e: Event): Record<string, unknown> {
  // Last set payload in field order, as a protobuf decoder would keep it (protobufjs may hand over several
  // when a JS client set several).
  let out: Record<string, unknown>;
  let payloadType: string | undefined;
  if (e.other != null) {
    out = fromStruct(e.other);
  } else {
    out = {};
    if (e.signal_kill != null) {
      payloadType = "signal_kill";
      copyPresent(e.signal_kill, out);
    } else if (e.container_exit != null) {
      payloadType = "container_exit";
      copyPresent(e.container_exit, out);
    } else if (e.container_start != null) {
      payloadType = "container_start";
      copyPresent(e.container_start, out);
    } else if (e.swap_fault_latency != null) {
      payloadType = "swap_fault_latency";
      const p = e.swap_fault_latency;
      // Required over HTTP, so always present: an empty histogram is a valid (quiet) interval.
      out.latency_distribution_us = (p.latency_distribution_us ?? []).map(bucket);
      if (p.interval_s != null) out.interval_s = p.interval_s;
    } else if (e.oom_kill != null) {
      payloadType = "oom_kill";
      copyPresent(e.oom_kill, out);
      const c = e.oom_kill.constraint;
      if (c === undefined || c === "OOM_CONSTRAINT_UNSPECIFIED") delete out.constraint;
      // An enum number this proto does not know passes through as a number, which validation rejects.
      else out.constraint = CONSTRAINTS[c] ?? c;
    }
  }

  const type = e.type || payloadType;
  if (type) out.type = type;
  if (e.ts_unix_nano != null) out.ts = typeof e.ts_unix_nano === "string" ? Number(e.ts_unix_nano) : e.ts_unix_nano;
  if (e.node != null) out.node = e.node;
  if (e.cgroup_path != null) out.cgroup_path = e.cgroup_path;
  if (e.container_id != null) out.container_id = e.container_id;
  if (e.pod_uid != null) out.pod_uid = e.pod_uid;
  if (e.event_id != null) out.event_id = e.event_id;
  return out;
}

/**
 * Copies the payload's fields as they are: a decoded message holds only fields the proto defines, named as in
 * the HTTP API, and proto3 `optional` fields only when they were sent. A field added to both the proto and
 * the schema therefore needs no change here.
 */
function copyPresent(from: object, to: Record<string, unknown>): void {
  const src = from as Record<string, unknown>;
  for (const key in src) {
    const v = src[key];
    if (v != null) to[key] = v;
  }
}

/** Buckets' fields are plain proto3 scalars: decoded with defaults, but a hand-built Event may omit them. */
function bucket(b: LatencyBucket): Record<string, unknown> {
  return { range_start_us: b.range_start_us ?? 0, range_end_us: b.range_end_us ?? 0, count: b.count ?? 0 };
}

// The messages of proto/vigil/ingest/v1/ingest.proto as @grpc/proto-loader hands them over with this lib's
// LOADER_OPTIONS (keepCase, int64 as numbers, enums as names). Hand-written: nothing is generated from the
// proto, so keep the two in step (the conversion test covers every field).

/** `google.protobuf.Value`. protobufjs defines the well-known Struct in camelCase, whatever keepCase says. */
export interface ProtoValue {
  nullValue?: "NULL_VALUE" | 0;
  numberValue?: number;
  stringValue?: string;
  boolValue?: boolean;
  structValue?: ProtoStruct;
  listValue?: { values?: ProtoValue[] };
}

/** `google.protobuf.Struct`: build one from a plain object with toStruct(). */
export interface ProtoStruct {
  fields?: Record<string, ProtoValue>;
}

export type OomConstraint = "OOM_CONSTRAINT_UNSPECIFIED" | "OOM_CONSTRAINT_NONE" | "OOM_CONSTRAINT_CPUSET" | "OOM_CONSTRAINT_MEMORY_POLICY" | "OOM_CONSTRAINT_MEMCG";

export interface OomKill {
  victim_pid?: number;
  victim_comm?: string;
  oom_kills?: number;
  trigger_pid?: number;
  trigger_comm?: string;
  total_vm_kb?: number;
  anon_rss_kb?: number;
  file_rss_kb?: number;
  shmem_rss_kb?: number;
  pgtables_kb?: number;
  oom_score_adj?: number;
  constraint?: OomConstraint;
  memcg_path?: string;
}

export interface LatencyBucket {
  range_start_us?: number;
  range_end_us?: number;
  count?: number;
}

export interface SwapFaultLatency {
  latency_distribution_us?: LatencyBucket[];
  interval_s?: number;
}

export interface ContainerStart {
  pid?: number;
  comm?: string;
  cgroup_id?: number;
}

export interface ContainerExit extends ContainerStart {
  exit_code?: number;
  signal?: number;
}

export interface SignalKill {
  sig?: number;
  pid?: number;
  comm?: string;
  sender_pid?: number;
  sender_comm?: string;
  result?: number;
}

/**
 * `vigil.ingest.v1.Event`. Set at most one payload (a oneof: when several are set, the encoder keeps the
 * last one in field order).
 */
export interface Event {
  /** Empty or absent with a typed payload: the payload names the type. */
  type?: string;
  /**
   * Nanoseconds since the Unix epoch. Received as a number; when sending, a decimal string keeps it exact
   * (`String(process.hrtime.bigint())`-style), a number is exact to ~0.25 µs, which is what arrives anyway.
   */
  ts_unix_nano?: number | string;
  node?: string;
  cgroup_path?: string;
  container_id?: string;
  pod_uid?: string;
  event_id?: string;
  oom_kill?: OomKill;
  swap_fault_latency?: SwapFaultLatency;
  container_start?: ContainerStart;
  container_exit?: ContainerExit;
  signal_kill?: SignalKill;
  other?: ProtoStruct;
}

/** One rejected event; index counts from 0 over the whole call (the whole stream for Send). */
/** One SendBatches message: events in stream order. */
export interface EventBatch {
  events?: Event[];
}

export interface EventError {
  index: number;
  message: string;
}

/** `vigil.ingest.v1.Ack`. */
export interface Ack {
  accepted: number;
  duplicates: number;
  rejected: number;
  /** The first rejections (up to the server's maxErrors); `rejected` counts all. */
  errors: EventError[];
}

/** What the ingest handler made of one batch; rejected indexes are relative to that batch. */
export interface IngestResult {
  accepted: number;
  duplicates: number;
  rejected: EventError[];
}

export interface IngestContext {
  transport: "grpc";
  /** The client's address as grpc-js reports it: `10.0.3.7:51234`, `[::1]:51234`; `unknown` over a unix socket. */
  peer: string;
}

/**
 * The boundary to ebpf-ingest: validates and stores a batch of inputs (each the object the HTTP API would
 * have received). Throwing means "could not store" (the bus is down): the call fails UNAVAILABLE.
 */
export type IngestHandler = (inputs: unknown[], ctx: IngestContext) => Promise<IngestResult>;

/** pino's Logger fits; only these two levels are used. */
export interface IngestLog {
  debug(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

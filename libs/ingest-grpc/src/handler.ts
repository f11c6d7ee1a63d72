// The boundary between the gRPC transport and ebpf-ingest: what the ingest handler is given and answers.
import type { EventError } from "./types.js";

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

import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { loadPackageDefinition, type ServiceClientConstructor, type ServiceDefinition } from "@grpc/grpc-js";
import { loadSync, type Options } from "@grpc/proto-loader";

/**
 * proto/vigil/ingest/v1/ingest.proto at the repository root. The same relative path works from src/ (tests,
 * tsx) and dist/ (the built lib), so an image must ship proto/ next to libs/ (as for libs/cri).
 */
export const INGEST_PROTO_PATH = fileURLToPath(new URL("../../../proto/vigil/ingest/v1/ingest.proto", import.meta.url));

/**
 * keepCase: the proto's field names are the HTTP API's, so a decoded payload is already the HTTP object's
 * fields. longs as Number: the HTTP API takes JSON numbers, so ts_unix_nano ends up a double either way, and
 * converting here is cheaper than a string per event. defaults: proto3 zeros that other encoders leave off the
 * wire (a bucket's count 0, the Ack's counters) come back as 0; `optional` fields stay absent, which is what
 * keeps "not sent" apart from 0. oneofs off: no virtual `payload`/`_victim_pid` keys on every object.
 */
export const LOADER_OPTIONS: Options = { keepCase: true, longs: Number, enums: String, defaults: true, arrays: true, oneofs: false };

export interface IngestProto {
  /** Client constructor for `vigil.ingest.v1.KernelEventIngest`. */
  KernelEventIngest: ServiceClientConstructor;
  /** The service definition, for Server.addService. */
  kernelEventIngest: ServiceDefinition;
}

let loaded: IngestProto | undefined;

/** Parses the proto once per process. */
export function loadIngestProto(path: string = INGEST_PROTO_PATH): IngestProto {
  if (loaded && path === INGEST_PROTO_PATH) return loaded;
  if (!existsSync(path)) throw new Error(`ingest proto not found at ${path}: ship the repository's proto/ directory with libs/ingest-grpc`);
  const pkg = loadPackageDefinition(loadSync(path, LOADER_OPTIONS)) as unknown as {
    vigil: { ingest: { v1: { KernelEventIngest: ServiceClientConstructor } } };
  };
  const KernelEventIngest = pkg.vigil.ingest.v1.KernelEventIngest;
  const proto: IngestProto = { KernelEventIngest, kernelEventIngest: KernelEventIngest.service };
  if (path === INGEST_PROTO_PATH) loaded = proto;
  return proto;
}

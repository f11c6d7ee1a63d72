import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { loadPackageDefinition } from "@grpc/grpc-js";
import { loadSync, type Options } from "@grpc/proto-loader";
import type { ProtoGrpcType } from "./generated/ingest.js";
import type {
  KernelEventIngestClient,
  KernelEventIngestDefinition,
  KernelEventIngestHandlers,
} from "./generated/vigil/ingest/v1/KernelEventIngest.js";

/** proto/vigil/ingest/v1/ingest.proto, a file of the @vigil/proto package (the repository's proto/ directory). */
export const INGEST_PROTO_PATH = fileURLToPath(import.meta.resolve("@vigil/proto/vigil/ingest/v1/ingest.proto"));

/**
 * keepCase: the proto's field names are the HTTP API's, so a decoded payload is already the HTTP object's
 * fields. longs as Number: the HTTP API takes JSON numbers, so ts_unix_nano ends up a double either way, and
 * converting here is cheaper than a string per event. defaults: proto3 zeros that other encoders leave off the
 * wire (a bucket's count 0, the Ack's counters) come back as 0; `optional` fields stay absent, which is what
 * keeps "not sent" apart from 0. oneofs off: no virtual `payload`/`_victim_pid` keys on every object.
 * The `generate` script in package.json gives proto-loader-gen-types the same options: change both.
 */
export const LOADER_OPTIONS: Options = { keepCase: true, longs: Number, enums: String, defaults: true, arrays: true, oneofs: false };

export interface IngestProto {
  /** Client constructor for `vigil.ingest.v1.KernelEventIngest`. */
  KernelEventIngest: ProtoGrpcType["vigil"]["ingest"]["v1"]["KernelEventIngest"];
  /** The service definition, for Server.addService. */
  kernelEventIngest: KernelEventIngestDefinition;
}

export type { KernelEventIngestClient, KernelEventIngestDefinition, KernelEventIngestHandlers };

let loaded: IngestProto | undefined;

/** Parses the proto once per process. */
export function loadIngestProto(path: string = INGEST_PROTO_PATH): IngestProto {
  if (loaded && path === INGEST_PROTO_PATH) return loaded;
  if (!existsSync(path))
    throw new Error(`ingest proto not found at ${path}: ship the @vigil/proto package (the repository's proto/) with libs/ingest-grpc`);
  // The one unchecked step, as proto-loader documents it: the package is built at run time from the same
  // proto the generated type was made from (GrpcObject, an index of anything, does not overlap it enough
  // for a plain `as`).
  const pkg = loadPackageDefinition(loadSync(path, LOADER_OPTIONS)) as unknown as ProtoGrpcType;
  const KernelEventIngest = pkg.vigil.ingest.v1.KernelEventIngest;
  const proto: IngestProto = { KernelEventIngest, kernelEventIngest: KernelEventIngest.service };
  if (path === INGEST_PROTO_PATH) loaded = proto;
  return proto;
}

import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { loadPackageDefinition } from "@grpc/grpc-js";
import { loadSync, type Options } from "@grpc/proto-loader";
import type { ProtoGrpcType } from "./generated/api.js";
import type { RuntimeServiceClient, RuntimeServiceDefinition } from "./generated/runtime/v1/RuntimeService.js";

/** The vendored CRI v1 proto, a file of the @vigil/proto package (the repository's proto/ directory). */
export const CRI_PROTO_PATH = fileURLToPath(import.meta.resolve("@vigil/proto/cri/v1/api.proto"));

/**
 * keepCase: field names as in the proto, so the types read like the CRI spec. longs as String: CRI
 * timestamps are nanoseconds since the epoch and exceed 2^53; callers convert with BigInt where exactness
 * matters (rates) and Number where it does not (byte gauges). defaults: proto3 scalars at their zero value
 * (enum 0 is SANDBOX_READY / CONTAINER_CREATED, which the wire omits), unset messages null.
 * The `generate` script in package.json gives proto-loader-gen-types the same options: change both.
 */
export const LOADER_OPTIONS: Options = { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true };

export interface CriProto {
  /** Client constructor for `runtime.v1.RuntimeService`. */
  RuntimeService: ProtoGrpcType["runtime"]["v1"]["RuntimeService"];
  /** The service definition, for a server (the fake runtime). */
  runtimeService: RuntimeServiceDefinition;
}

export type { RuntimeServiceClient };

let loaded: CriProto | undefined;

/** Parses the proto once per process (it is ~80 KB; a few tens of ms). */
export function loadCriProto(path: string = CRI_PROTO_PATH): CriProto {
  if (loaded && path === CRI_PROTO_PATH) return loaded;
  if (!existsSync(path))
    throw new Error(`CRI proto not found at ${path}: ship the @vigil/proto package (the repository's proto/) with libs/cri`);
  // The one unchecked step, as proto-loader documents it: the package is built at run time from the same
  // proto the generated type was made from (GrpcObject, an index of anything, does not overlap it enough
  // for a plain `as`).
  const pkg = loadPackageDefinition(loadSync(path, LOADER_OPTIONS)) as unknown as ProtoGrpcType;
  const RuntimeService = pkg.runtime.v1.RuntimeService;
  const proto: CriProto = { RuntimeService, runtimeService: RuntimeService.service };
  if (path === CRI_PROTO_PATH) loaded = proto;
  return proto;
}

import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { loadPackageDefinition, type ServiceClientConstructor, type ServiceDefinition } from "@grpc/grpc-js";
import { loadSync, type Options } from "@grpc/proto-loader";

/**
 * The vendored CRI v1 proto (repo root proto/cri/v1/api.proto). The same relative path works from src/
 * (tests, tsx) and dist/ (the built lib), so an image must ship proto/ next to libs/.
 */
export const CRI_PROTO_PATH = fileURLToPath(new URL("../../../proto/cri/v1/api.proto", import.meta.url));

/**
 * keepCase: field names as in the proto, so types.ts reads like the CRI spec. longs as String: CRI
 * timestamps are nanoseconds since the epoch and exceed 2^53; callers convert with BigInt where exactness
 * matters (rates) and Number where it does not (byte gauges). defaults: proto3 scalars at their zero value
 * (enum 0 is SANDBOX_READY / CONTAINER_CREATED, which the wire omits), unset messages null.
 */
export const LOADER_OPTIONS: Options = { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true };

export interface CriProto {
  /** Client constructor for `runtime.v1.RuntimeService`. */
  RuntimeService: ServiceClientConstructor;
  /** The service definition, for a server (the fake runtime). */
  runtimeService: ServiceDefinition;
}

let loaded: CriProto | undefined;

/** Parses the proto once per process (it is ~80 KB; a few tens of ms). */
export function loadCriProto(path: string = CRI_PROTO_PATH): CriProto {
  if (loaded && path === CRI_PROTO_PATH) return loaded;
  if (!existsSync(path)) throw new Error(`CRI proto not found at ${path}: ship the repository's proto/ directory with libs/cri`);
  const pkg = loadPackageDefinition(loadSync(path, LOADER_OPTIONS)) as unknown as {
    runtime: { v1: { RuntimeService: ServiceClientConstructor } };
  };
  const RuntimeService = pkg.runtime.v1.RuntimeService;
  const proto: CriProto = { RuntimeService, runtimeService: RuntimeService.service };
  if (path === CRI_PROTO_PATH) loaded = proto;
  return proto;
}

// The CRI v1 messages as @grpc/proto-loader decodes them with LOADER_OPTIONS (proto.ts), under the names
// callers use: the `__Output` types that `npm run build` generates from proto/cri/v1/api.proto into
// src/generated (git-ignored). snake_case field names, 64-bit integers as decimal strings, enums as their
// names, and proto3 defaults filled in ("" / "0" / 0 / [] / {}), while an unset message field is null. So an
// absent UInt64Value wrapper (null) is "not reported", distinct from a reported 0.

/** An int64/uint64 as a decimal string: CRI timestamps are nanoseconds since the epoch (~1.7e18 > 2^53). */
export type Int64 = string;
export type Labels = Record<string, string>;

export type { Container__Output as Container } from "./generated/runtime/v1/Container.js";
export type { ContainerAttributes__Output as ContainerAttributes } from "./generated/runtime/v1/ContainerAttributes.js";
export type { ContainerMetadata__Output as ContainerMetadata } from "./generated/runtime/v1/ContainerMetadata.js";
export type { ContainerState__Output as ContainerState } from "./generated/runtime/v1/ContainerState.js";
export type { ContainerStats__Output as ContainerStats } from "./generated/runtime/v1/ContainerStats.js";
export type { CpuUsage__Output as CpuUsage } from "./generated/runtime/v1/CpuUsage.js";
export type { FilesystemUsage__Output as FilesystemUsage } from "./generated/runtime/v1/FilesystemUsage.js";
export type { ImageSpec__Output as ImageSpec } from "./generated/runtime/v1/ImageSpec.js";
export type { LinuxPodSandboxStats__Output as LinuxPodSandboxStats } from "./generated/runtime/v1/LinuxPodSandboxStats.js";
export type { MemoryUsage__Output as MemoryUsage } from "./generated/runtime/v1/MemoryUsage.js";
export type { NetworkInterfaceUsage__Output as NetworkInterfaceUsage } from "./generated/runtime/v1/NetworkInterfaceUsage.js";
export type { NetworkUsage__Output as NetworkUsage } from "./generated/runtime/v1/NetworkUsage.js";
export type { PodSandbox__Output as PodSandbox } from "./generated/runtime/v1/PodSandbox.js";
export type { PodSandboxAttributes__Output as PodSandboxAttributes } from "./generated/runtime/v1/PodSandboxAttributes.js";
export type { PodSandboxMetadata__Output as PodSandboxMetadata } from "./generated/runtime/v1/PodSandboxMetadata.js";
export type { PodSandboxState__Output as PodSandboxState } from "./generated/runtime/v1/PodSandboxState.js";
export type { PodSandboxStats__Output as PodSandboxStats } from "./generated/runtime/v1/PodSandboxStats.js";
export type { ProcessUsage__Output as ProcessUsage } from "./generated/runtime/v1/ProcessUsage.js";
export type { SwapUsage__Output as SwapUsage } from "./generated/runtime/v1/SwapUsage.js";
export type { UInt64Value__Output as UInt64Value } from "./generated/runtime/v1/UInt64Value.js";
export type { VersionResponse__Output as VersionResponse } from "./generated/runtime/v1/VersionResponse.js";

// The CRI v1 messages this library reads, as @grpc/proto-loader decodes them with LOADER_OPTIONS
// (proto.ts): snake_case field names, 64-bit integers as decimal strings, enums as their names, and
// proto3 defaults filled in ("" / "0" / 0 / [] / {}), while an unset message field is null. So an absent
// UInt64Value wrapper (null) is "not reported", distinct from a reported 0.

/** An int64/uint64 as a decimal string: CRI timestamps are nanoseconds since the epoch (~1.7e18 > 2^53). */
export type Int64 = string;
export type Labels = Record<string, string>;

export interface UInt64Value {
  value: Int64;
}

export interface VersionResponse {
  version: string;
  runtime_name: string;
  runtime_version: string;
  runtime_api_version: string;
}

export interface PodSandboxMetadata {
  name: string;
  uid: string;
  namespace: string;
  attempt: number;
}

export type PodSandboxState = "SANDBOX_READY" | "SANDBOX_NOTREADY";

export interface PodSandbox {
  id: string;
  metadata: PodSandboxMetadata | null;
  state: PodSandboxState;
  created_at: Int64;
  labels: Labels;
  annotations: Labels;
  runtime_handler: string;
}

export interface ContainerMetadata {
  name: string;
  attempt: number;
}

export interface ImageSpec {
  image: string;
  annotations: Labels;
  user_specified_image: string;
  runtime_handler: string;
}

export type ContainerState = "CONTAINER_CREATED" | "CONTAINER_RUNNING" | "CONTAINER_EXITED" | "CONTAINER_UNKNOWN";

export interface Container {
  id: string;
  pod_sandbox_id: string;
  metadata: ContainerMetadata | null;
  image: ImageSpec | null;
  image_ref: string;
  state: ContainerState;
  created_at: Int64;
  labels: Labels;
  annotations: Labels;
  image_id: string;
}

export interface CpuUsage {
  timestamp: Int64;
  usage_core_nano_seconds: UInt64Value | null;
  usage_nano_cores: UInt64Value | null;
}

export interface MemoryUsage {
  timestamp: Int64;
  working_set_bytes: UInt64Value | null;
  available_bytes: UInt64Value | null;
  usage_bytes: UInt64Value | null;
  rss_bytes: UInt64Value | null;
  page_faults: UInt64Value | null;
  major_page_faults: UInt64Value | null;
}

export interface FilesystemUsage {
  timestamp: Int64;
  fs_id: { mountpoint: string } | null;
  used_bytes: UInt64Value | null;
  inodes_used: UInt64Value | null;
}

export interface SwapUsage {
  timestamp: Int64;
  swap_available_bytes: UInt64Value | null;
  swap_usage_bytes: UInt64Value | null;
}

export interface ContainerAttributes {
  id: string;
  metadata: ContainerMetadata | null;
  labels: Labels;
  annotations: Labels;
}

export interface ContainerStats {
  attributes: ContainerAttributes | null;
  cpu: CpuUsage | null;
  memory: MemoryUsage | null;
  writable_layer: FilesystemUsage | null;
  swap: SwapUsage | null;
}

export interface NetworkInterfaceUsage {
  name: string;
  rx_bytes: UInt64Value | null;
  rx_errors: UInt64Value | null;
  tx_bytes: UInt64Value | null;
  tx_errors: UInt64Value | null;
}

export interface NetworkUsage {
  timestamp: Int64;
  default_interface: NetworkInterfaceUsage | null;
  interfaces: NetworkInterfaceUsage[];
}

export interface ProcessUsage {
  timestamp: Int64;
  process_count: UInt64Value | null;
}

export interface LinuxPodSandboxStats {
  cpu: CpuUsage | null;
  memory: MemoryUsage | null;
  network: NetworkUsage | null;
  process: ProcessUsage | null;
  containers: ContainerStats[];
}

export interface PodSandboxAttributes {
  id: string;
  metadata: PodSandboxMetadata | null;
  labels: Labels;
  annotations: Labels;
}

export interface PodSandboxStats {
  attributes: PodSandboxAttributes | null;
  linux: LinuxPodSandboxStats | null;
  /** Windows stats are not read; kept opaque so a Windows runtime's answer still decodes. */
  windows: unknown;
}

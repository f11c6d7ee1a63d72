import type { NodeSampleMessage } from "@vigil/contracts";

/** What a sampler produces: a node sample message minus the ids, which the publisher assigns. */
export type NodeSample = Omit<NodeSampleMessage, "id" | "correlationId">;

export type CpuSample = NonNullable<NodeSample["cpu"]>;
export type LoadSample = NonNullable<NodeSample["load"]>;
export type PsiSample = NonNullable<NodeSample["psi"]>;
export type DiskSample = NonNullable<NodeSample["disks"]>[number];
export type DisksTotalSample = NonNullable<NodeSample["disksTotal"]>;
export type NetworkSample = NonNullable<NodeSample["network"]>[number];
export type NetworkTotalSample = NonNullable<NodeSample["networkTotal"]>;
export type FilesystemSample = NonNullable<NodeSample["filesystems"]>[number];
export type SystemSample = NonNullable<NodeSample["system"]>;
export type ProcessSample = NonNullable<NodeSample["topProcesses"]>[number];

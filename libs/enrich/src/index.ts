export { Enricher, type EnricherOptions, type EnricherStatus, type KubernetesSourceStatus } from "./enricher.js";
export { classifyOomScope, type OomConstraint, type OomScopeContext, type OomScopeInput, type OomScopeResult } from "./oom-scope.js";
export { detectMemcgLayout, readMemcg, readMemTotalBytes, type MemcgLayout, type MemcgStats } from "./memcg.js";
export { PodIndex, parseContainerId, type IndexedContainer, type IndexedPod, type PodIndexStats } from "./pod-index.js";
export type { ReflectorState } from "@vigil/kube";
export { CriNames, runtimeFromName, type CriContainer, type CriNamesOptions, type CriNamesStatus, type CriPod } from "./cri-names.js";
export { formatBytes } from "./bytes.js";
export { BoundedCache } from "./bounded-cache.js";
export type { ContainerRef, ContainerRuntime, EnrichInput, EnrichLogger, Enrichment, EnrichSource, PodRef, QosClass } from "./types.js";

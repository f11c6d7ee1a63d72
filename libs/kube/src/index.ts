// @vigil/kube: one Kubernetes access layer (kubeconfig, informer caches, owner chains, metrics.k8s.io, logs,
// events, rollout history, dry-run patches, scale, eviction). See README.md.
export {
  findKubeConfig,
  loadKubeConfig,
  kubeConfigFromFile,
  kubeConfigFromUrl,
  type KubeConfigLookup,
  type KubeConfigSource,
} from "./config.js";
export {
  KINDS,
  isKindName,
  apiVersionOf,
  collectionPath,
  objectPath,
  describeRef,
  refOf,
  type KindDefinition,
  type KindModels,
  type KindName,
  type ObjectOf,
  type ResourceRef,
  type Subresource,
} from "./kinds.js";
export {
  KubeApiError,
  toKubeApiError,
  isNotFound,
  isConflict,
  type ErrorTarget,
  type ForbiddenDetail,
  type StatusCause,
} from "./errors.js";
export {
  KubeClient,
  PATCH_CONTENT_TYPES,
  type KubeClientOptions,
  type RequestOptions,
  type PatchType,
  type WriteOptions,
  type DeleteOptions,
  type ListOptions,
  type ListResult,
} from "./client.js";
export { ClusterClock, type ClusterClockOptions } from "./cluster-clock.js";
export { Reflector, type ReflectorOptions, type ReflectorSink, type ReflectorObserver, type ReflectorState } from "./reflector.js";
export { KindStore, type Indexer, type ChangeType, type ListFilter } from "./kind-store.js";
export { DEFAULT_CACHED_KINDS, type CachedModels, type CachedObjectOf, type ConfigMapMetadata } from "./cached-kinds.js";
export {
  ClusterCache,
  type ClusterCacheOptions,
  type CacheChange,
  type CacheListener,
  type KindSelector,
  type KindStatus,
  type InvolvedRef,
} from "./cluster-cache.js";
export { ownerChain, type OwnerChain, type OwnerLink, type OwnerChainSources } from "./owner-chain.js";
export { compileSelector, selectorMatches, type LabelSelectorInput } from "./label-selector.js";
export { parseQuantity, cpuCores, bytesOf } from "./quantity.js";
export { toWire, fromWire } from "./wire.js";
export {
  readNodeMetrics,
  readPodMetrics,
  type NodeUsage,
  type PodUsage,
  type ContainerUsage,
  type MetricsResult,
  type MetricsUnavailableReason,
  type MetricsQuery,
} from "./resource-metrics.js";
export { UsageCache, type UsageCacheOptions, type UsagePollSource, type UsageSourceStatus } from "./usage-cache.js";
export type { UsageAnswer, UsageSource, VolumeUsage } from "./usage-answer.js";
export { readNodeVolumeStats, type NodeVolumeStats } from "./kubelet-volume-stats.js";
export { readContainerLogs, type LogOptions, type LogsResult, type LogsUnavailableReason } from "./logs.js";
export { evictPod, type EvictOptions, type EvictionResult } from "./eviction.js";
export { readScale, scaleTo, type ScalableKind, type ScaleState } from "./scale.js";
export { rolloutHistory, REVISION_ANNOTATION, type RolloutKind, type RolloutRevision, type RolloutSources } from "./rollout-history.js";
export type { KubeLogger } from "./logger.js";

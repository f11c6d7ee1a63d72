// kube-scheduler's filter and score for the simulator: build a ClusterSnapshot, then schedule() or schedulePending().
export { ClusterSnapshot, NodeInfo, occupiesNode, type Allocatable, type Placement, type SnapshotOptions } from "./node-info.js";
export { podRequests, zeroResources, DEFAULT_NON_ZERO_CPU, DEFAULT_NON_ZERO_MEMORY, type Resources } from "./requests.js";
export { podInfo, podKey, type PodInfo, type AffinityTerm } from "./pod-info.js";
export { AffinityIndex, type PlacedTerm } from "./affinity-index.js";
export { compileLabelSelector, matchNodeSelectorTerms, tolerates, toleratesAny } from "./selectors.js";
export { preFilter, runFilters, Reasons, type CycleState, type NodeFailure, type PluginName } from "./filters.js";
export {
  fitErrorMessage,
  reasonHistogram,
  NO_NODES_AVAILABLE,
  NO_PREEMPTION_VICTIMS,
  PREEMPTION_NOT_HELPFUL,
  PREEMPTION_NEVER,
} from "./failure-message.js";
export {
  schedule,
  schedulePending,
  responsibleFor,
  leastAllocated,
  queueOrder,
  DEFAULT_SCHEDULER_NAME,
  type ScheduleResult,
  type Decision,
} from "./scheduler.js";

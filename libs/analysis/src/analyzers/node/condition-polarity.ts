// Which node conditions mean trouble, and when. Kubernetes' own conditions are fixed; beyond those, node
// agents add their own with either polarity, so "True" alone means nothing: node-problem-detector's problem
// conditions are True when something is wrong, while EKS's node monitoring agent reports ContainerRuntimeReady,
// StorageReady, NetworkingReady, KernelReady... True when all is well (k8sgpt #1461 reported those as errors).
// A condition type in neither list is not judged at all (k3s EtcdIsVoter, vendors' informational conditions).
import type { FindingCode } from "@vigil/contracts";

/** The kubelet's pressure conditions (and the network plugin's NetworkUnavailable): True is trouble. */
export const KUBELET_PROBLEMS: ReadonlyMap<string, { code: FindingCode; what: string }> = new Map([
  ["MemoryPressure", { code: "NODE_MEMORY_PRESSURE", what: "memory" }],
  ["DiskPressure", { code: "NODE_DISK_PRESSURE", what: "disk" }],
  ["PIDPressure", { code: "NODE_PID_PRESSURE", what: "process IDs" }],
  ["NetworkUnavailable", { code: "NODE_NETWORK_UNAVAILABLE", what: "pod network" }],
]);

/** Negative polarity (True = a problem): node-problem-detector's default and custom-plugin problem daemons, AKS's. */
export const PROBLEM_WHEN_TRUE: ReadonlySet<string> = new Set([
  "KernelDeadlock",
  "ReadonlyFilesystem",
  "FrequentKubeletRestart",
  "FrequentDockerRestart",
  "FrequentContainerdRestart",
  "FrequentCrioRestart",
  "CorruptDockerOverlay2",
  "FrequentUnregisterNetDevice",
  "KubeletUnhealthy",
  "ContainerRuntimeUnhealthy",
  "FilesystemCorruptionProblem",
  "KubeletProblem",
  "ContainerRuntimeProblem",
  "VMEventScheduled",
]);

/** Positive polarity (True = healthy, False = a problem): EKS node monitoring agent. */
export const PROBLEM_WHEN_FALSE: ReadonlySet<string> = new Set([
  "ContainerRuntimeReady",
  "StorageReady",
  "NetworkingReady",
  "KernelReady",
  "AcceleratedHardwareReady",
]);

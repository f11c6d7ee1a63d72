// The failure-event table: an event's reason matched EXACTLY, in order, optionally narrowed by its message
// (the kubelet reports image pull back-off and crash back-off both as reason "BackOff", and both bad images
// and missing secrets as "Failed"). The seed matched reasons by substring in random map order, so
// ImagePullBackOff and CrashLoopBackOff ("...BackOff") got either category. First match wins; an event that
// matches no row is "Other" (warning when it is a Warning, info when it is a frequent Normal event).
import type { ViewSeverity } from "@vigil/contracts";

export type FailureCategory =
  | "Scheduling"
  | "ImagePull"
  | "ContainerCrash"
  | "Configuration"
  | "Volume"
  | "Resource"
  | "Probe"
  | "Network"
  | "Node"
  | "Lifecycle"
  | "Other";

export interface FailureReason {
  reason: string;
  /** When set, the row applies only to messages it matches. */
  message?: RegExp;
  category: FailureCategory;
  severity: ViewSeverity;
  possibleCauses: string[];
  suggestedAction: string;
}

const IMAGE_MESSAGE = /pull|image|ErrImagePull|ImagePullBackOff|InvalidImageName|ErrImageNeverPull/i;

export const FAILURE_REASONS: readonly FailureReason[] = [
  {
    reason: "FailedScheduling",
    category: "Scheduling",
    severity: "critical",
    possibleCauses: ["Insufficient resources", "Node selector mismatch", "Affinity rules", "Taints not tolerated"],
    suggestedAction: "Check node resources and scheduling constraints",
  },
  {
    reason: "BackOff",
    message: /^Back-off pulling image/i,
    category: "ImagePull",
    severity: "critical",
    possibleCauses: ["Image not found", "Registry authentication failure", "Network issues"],
    suggestedAction: "Verify image name and registry credentials",
  },
  {
    reason: "BackOff",
    category: "ContainerCrash",
    severity: "critical",
    possibleCauses: ["Application crash", "Missing dependencies", "Configuration error"],
    suggestedAction: "Check container logs for crash details",
  },
  {
    reason: "CrashLoopBackOff",
    category: "ContainerCrash",
    severity: "critical",
    possibleCauses: ["Repeated application crashes", "Startup failure", "Missing configuration"],
    suggestedAction: "Examine container logs and fix application startup issues",
  },
  {
    reason: "ImagePullBackOff",
    category: "ImagePull",
    severity: "critical",
    possibleCauses: ["Image not found", "Registry authentication failure", "Network issues"],
    suggestedAction: "Verify image name and registry credentials",
  },
  {
    reason: "ErrImagePull",
    category: "ImagePull",
    severity: "critical",
    possibleCauses: ["Invalid image name", "Registry unreachable", "No pull secrets"],
    suggestedAction: "Check image availability and pull secrets",
  },
  ...["InvalidImageName", "ErrImageNeverPull", "InspectFailed"].map((reason): FailureReason => ({
    reason,
    category: "ImagePull",
    severity: "critical",
    possibleCauses: ["Malformed image reference", "imagePullPolicy Never with the image absent from the node"],
    suggestedAction: "Fix the image reference or the pull policy",
  })),
  {
    reason: "Failed",
    message: IMAGE_MESSAGE,
    category: "ImagePull",
    severity: "critical",
    possibleCauses: ["Image or tag does not exist", "Registry authentication failure", "Registry unreachable"],
    suggestedAction: "Check image availability and pull secrets",
  },
  {
    reason: "Failed",
    message: /couldn't find key|not found|secret|configmap|CreateContainerConfigError/i,
    category: "Configuration",
    severity: "critical",
    possibleCauses: ["Referenced Secret or ConfigMap (or one of its keys) is missing", "Wrong key name in secretKeyRef/configMapKeyRef"],
    suggestedAction: "Create the missing Secret/ConfigMap key or fix the reference; the kubelet retries the same pod",
  },
  {
    reason: "Failed",
    category: "ContainerCrash",
    severity: "critical",
    possibleCauses: ["Container could not be created or started", "Invalid command or entrypoint"],
    suggestedAction: "Read the event message and the container's previous logs",
  },
  {
    reason: "FailedAttachVolume",
    category: "Volume",
    severity: "critical",
    possibleCauses: ["Volume already attached", "Volume not found", "Zone mismatch"],
    suggestedAction: "Check volume status and node availability zones",
  },
  ...["FailedMount", "FailedMapVolume"].map((reason): FailureReason => ({
    reason,
    category: "Volume",
    severity: "critical",
    possibleCauses: ["Volume not ready", "Mount permissions", "Filesystem issues", "Referenced Secret or ConfigMap missing"],
    suggestedAction: "Verify volume is properly provisioned and accessible",
  })),
  {
    reason: "Unhealthy",
    category: "Probe",
    severity: "warning",
    possibleCauses: ["Liveness probe failure", "Readiness probe failure", "Application not responding"],
    suggestedAction: "Review probe configuration and application health endpoints",
  },
  {
    reason: "Killing",
    message: /(liveness|startup) probe/i,
    category: "Probe",
    severity: "warning",
    possibleCauses: ["Probe budget shorter than the application's start-up", "Application hung or overloaded", "CPU throttling"],
    suggestedAction: "Add a startupProbe or raise initialDelaySeconds/failureThreshold; check CPU limits",
  },
  {
    reason: "OOMKilled",
    category: "Resource",
    severity: "critical",
    possibleCauses: ["Memory limit exceeded", "Memory leak", "Insufficient memory allocation"],
    suggestedAction: "Increase memory limits or optimize application memory usage",
  },
  {
    reason: "OOMKilling",
    category: "Resource",
    severity: "critical",
    possibleCauses: ["Node out of memory: the kernel's OOM killer ran", "Pods without memory limits", "Node memory overcommitted"],
    suggestedAction: "Set memory limits and requests; check node memory pressure",
  },
  {
    reason: "Evicted",
    category: "Resource",
    severity: "warning",
    possibleCauses: ["Node pressure", "Resource limits", "Priority preemption"],
    suggestedAction: "Check node resources and pod priority settings",
  },
  {
    reason: "Preempted",
    category: "Scheduling",
    severity: "warning",
    possibleCauses: ["A higher-priority pod needed the node's resources"],
    suggestedAction: "Check pod priorities and cluster capacity",
  },
  ...["NodeNotReady", "TaintManagerEviction"].map((reason): FailureReason => ({
    reason,
    category: "Node",
    severity: "warning",
    possibleCauses: ["The pod's node stopped reporting (kubelet down, network partition)", "Node being drained or lost"],
    suggestedAction: "Check the node's conditions and kubelet; the pod is replaced elsewhere after its toleration",
  })),
  {
    reason: "NetworkNotReady",
    category: "Network",
    severity: "warning",
    possibleCauses: ["CNI plugin issues", "Network policy blocking", "Service mesh problems"],
    suggestedAction: "Check network plugin status and network policies",
  },
  ...["FailedCreatePodSandBox", "FailedKillPod"].map((reason): FailureReason => ({
    reason,
    category: "Network",
    severity: "critical",
    possibleCauses: ["CNI plugin failed to set up the pod network", "IP addresses exhausted", "Container runtime problems"],
    suggestedAction: "Check the CNI plugin's pods and logs on the node, and the container runtime",
  })),
  ...["FailedPreStopHook", "FailedPostStartHook", "ExceededGracePeriod"].map((reason): FailureReason => ({
    reason,
    category: "Lifecycle",
    severity: "warning",
    possibleCauses: ["Lifecycle hook failed or timed out", "Application slow to shut down"],
    suggestedAction: "Review the lifecycle hooks and terminationGracePeriodSeconds",
  })),
];

/** The first row for this reason and message, or undefined (then the event is "Other"). */
export function classifyFailure(reason: string, message: string): FailureReason | undefined {
  return FAILURE_REASONS.find((r) => r.reason === reason && (!r.message || r.message.test(message)));
}

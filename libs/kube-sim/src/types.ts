// Plain-JSON shapes of the objects the simulator stores. Specs reuse @kubernetes/client-node's model types
// (they carry no Date fields); metadata and status are declared here because the wire format uses strings for times.
import type {
  V1Container,
  V1PodSpec,
  V1NodeSpec,
  V1ContainerState,
  V1PodCondition,
  V1NodeCondition,
  V1OwnerReference,
} from "@kubernetes/client-node";

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type Labels = Record<string, string>;

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Labels;
  annotations?: Record<string, string>;
  ownerReferences?: V1OwnerReference[];
  finalizers?: string[];
  [key: string]: unknown;
}

/** Any stored object. `spec`/`status` are loosely typed; narrow with the typed aliases below. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  spec?: any;
  status?: any;
  [key: string]: unknown;
}

export interface ContainerStatus {
  name: string;
  image: string;
  imageID: string;
  containerID?: string;
  ready: boolean;
  started?: boolean;
  restartCount: number;
  state: V1ContainerStateJson;
  lastState: V1ContainerStateJson;
}

/** V1ContainerState with string timestamps. */
export type V1ContainerStateJson = {
  [K in keyof V1ContainerState]?: Record<string, string | number | undefined>;
};

export interface PodStatus {
  phase: "Pending" | "Running" | "Succeeded" | "Failed" | "Unknown";
  conditions?: Array<
    Omit<V1PodCondition, "lastProbeTime" | "lastTransitionTime"> & { lastProbeTime?: string | null; lastTransitionTime?: string }
  >;
  hostIP?: string;
  podIP?: string;
  podIPs?: Array<{ ip: string }>;
  startTime?: string;
  qosClass?: string;
  reason?: string;
  message?: string;
  containerStatuses?: ContainerStatus[];
  initContainerStatuses?: ContainerStatus[];
}

export interface Pod extends KubeObject {
  spec: V1PodSpec;
  status?: PodStatus;
}

export interface NodeStatus {
  capacity?: Record<string, string>;
  allocatable?: Record<string, string>;
  conditions?: Array<
    Omit<V1NodeCondition, "lastHeartbeatTime" | "lastTransitionTime"> & { lastHeartbeatTime?: string; lastTransitionTime?: string }
  >;
  addresses?: Array<{ type: string; address: string }>;
  nodeInfo?: Record<string, string>;
  [key: string]: unknown;
}

export interface Node extends KubeObject {
  spec: V1NodeSpec;
  status?: NodeStatus;
}

export type Container = V1Container;

/** What identifies a resource type on the wire. */
export interface ResourceKey {
  group: string; // "" for the core group
  resource: string; // plural, e.g. "pods"
}

export const keyOf = (group: string, resource: string): string => (group ? `${resource}.${group}` : resource);

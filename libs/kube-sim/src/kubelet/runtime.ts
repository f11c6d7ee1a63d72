// What the kubelets know that the API does not: container instances (containerd's view), back-off entries, images
// already on each node and pod IPs handed out. Kept per cluster, so the log and usage readers (which get only the
// cluster) see the same state as the Kubelet controller; pods are forgotten once deleted.
import type { Cluster } from "../cluster.js";
import type { Termination } from "./termination.js";

/** How a container instance ended (or will end). */
export type EndCause = "crash" | "env" | "oom" | "leak" | "complete" | "liveness" | "killed";

/** One containerd container: a run of a pod's container. */
export interface Instance {
  containerID: string;
  /** The image as written in the pod spec. */
  image: string;
  /** The image as containerd names it (docker.io/library/nginx:1.25). */
  imageRef: string;
  imageID: string;
  startedAt: number;
  /** The first required env var that did not resolve when the container was created (the app exits without it). */
  missingEnv?: string;
  /** What the app logs once up, and when it is up (absent: it never gets there). */
  log: string[];
  upAt?: number;
  finishedAt?: number;
  exitCode?: number;
  reason?: "Error" | "OOMKilled" | "Completed";
  cause?: EndCause;
  /** Lines the app logs as it dies (a crash log). */
  lastWords?: string[];
}

/** The kubelet's per-item exponential back-off (client-go flowcontrol.Backoff). */
export interface Backoff {
  ms: number;
  lastUpdate: number;
  /** What the entry is for: the image (pull back-off) or the container spec's image (crash back-off). */
  key: string;
}

export type Stage =
  | "blocked" // waits for the init containers before it
  | "new" // to be started: ensure the image, then create
  | "pulling"
  | "pull-error" // ErrImagePull, until the next sync
  | "pull-backoff" // ImagePullBackOff
  | "create-error" // CreateContainerConfigError / ErrImageNeverPull, retried every sync
  | "running"
  | "exited" // terminated, until the next sync decides on a restart
  | "crash-backoff" // CrashLoopBackOff
  | "terminated"; // for good (restart policy, or a completed init container)

export interface ContainerRuntime {
  name: string;
  init: boolean;
  stage: Stage;
  /** When the stage began (ms). */
  since: number;
  /** The image the kubelet is working with (pulling, backing off, running). */
  image: string;
  waiting?: { reason: string; message?: string };
  /** For create-error: what to retry. */
  retry?: "create" | "image";
  current?: Instance;
  previous?: Instance;
  /** Instances created so far (restartCount is one less). */
  created: number;
  crashBackoff?: Backoff;
  pullBackoff: Map<string, Backoff>;
  /** Next repeat of the stage's events while backing off or failing (the pod worker re-syncs every ~10 s). */
  nextEventAt: number;
  /** Next tick of a failing probe. */
  nextProbeAt: number;
}

export interface PodRuntime {
  uid: string;
  containers: Map<string, ContainerRuntime>;
  /** The pod's resourceVersion after the last sync, and when the next sync is due: pods with nothing due are skipped. */
  seenRV?: string;
  nextDue: number;
  /** Set once the kubelet has seen the pod's deletionTimestamp and is stopping its containers. */
  termination?: Termination;
}

export interface NodeRuntime {
  /** Images (containerd references) the node has pulled. */
  images: Set<string>;
  /** host-local IPAM hands out addresses round robin. */
  ipCursor: number;
}

export interface KubeletState {
  pods: Map<string, PodRuntime>;
  nodes: Map<string, NodeRuntime>;
}

const states = new WeakMap<Cluster, KubeletState>();

export const kubeletState = (cluster: Cluster): KubeletState => {
  let s = states.get(cluster);
  if (!s) states.set(cluster, (s = { pods: new Map(), nodes: new Map() }));
  return s;
};

export const nodeRuntime = (state: KubeletState, node: string): NodeRuntime => {
  let n = state.nodes.get(node);
  if (!n) state.nodes.set(node, (n = { images: new Set(), ipCursor: 0 }));
  return n;
};

/** The instance with a given container ID, if the kubelet still knows it. */
export const findInstance = (
  cluster: Cluster,
  podUid: string | undefined,
  container: string,
  containerID: string,
): Instance | undefined => {
  const c = podUid ? kubeletState(cluster).pods.get(podUid)?.containers.get(container) : undefined;
  if (c?.current?.containerID === containerID) return c.current;
  if (c?.previous?.containerID === containerID) return c.previous;
  return undefined;
};

// The pods of this node as the API server lists them, indexed for synchronous lookups by pod uid and by
// container id. Kernel events often outlive what they are about: an OOM-killed container is replaced at once
// (its id moves to lastState, then out of the status on the next restart) and a pod may be deleted before
// its last events are enriched. So ids and pods that disappear are remembered for `retainMs` (10 minutes by
// default) before they are forgotten.
import type { V1ContainerStatus, V1Pod } from "@kubernetes/client-node";
import type { ContainerRuntime, QosClass } from "./types.js";

export interface IndexedPod {
  uid: string;
  namespace: string;
  name: string;
  qos?: QosClass;
  /** Ids currently shown in the pod's status (current and last state of each container). */
  containerIds: Set<string>;
  /** Epoch ms when the pod was deleted (or left this node); undefined while it exists. */
  goneAt?: number;
}

export interface IndexedContainer {
  id: string;
  name: string;
  runtime?: ContainerRuntime;
  podUid: string;
  /** Epoch ms when the id left the pod's status (or the pod went); undefined while shown. */
  goneAt?: number;
}

export interface PodIndexStats {
  pods: number;
  containers: number;
  /** Pods and container ids kept only because they went recently. */
  gonePods: number;
  goneContainers: number;
}

const RUNTIMES: Record<string, ContainerRuntime> = { containerd: "containerd", "cri-o": "cri-o", docker: "docker" };
const QOS_CLASSES = new Set<string>(["Guaranteed", "Burstable", "BestEffort"]);
// kubernetes.io/config.mirror: a static pod's mirror carries the hash that is the uid in its cgroup path.
const MIRROR = "kubernetes.io/config.mirror";

/** `containerd://<id>` → the runtime and the id. */
export function parseContainerId(value: string | undefined): { id: string; runtime?: ContainerRuntime } | undefined {
  if (!value) return undefined;
  const sep = value.indexOf("://");
  if (sep < 0) return { id: value };
  const id = value.slice(sep + 3);
  if (!id) return undefined;
  const runtime = RUNTIMES[value.slice(0, sep)];
  return runtime ? { id, runtime } : { id };
}

function containersOf(pod: V1Pod): Map<string, { name: string; runtime?: ContainerRuntime }> {
  const out = new Map<string, { name: string; runtime?: ContainerRuntime }>();
  const add = (name: string, raw: string | undefined) => {
    const parsed = parseContainerId(raw);
    if (parsed) out.set(parsed.id, parsed.runtime ? { name, runtime: parsed.runtime } : { name });
  };
  const statuses: V1ContainerStatus[] = [
    ...(pod.status?.initContainerStatuses ?? []),
    ...(pod.status?.containerStatuses ?? []),
    ...(pod.status?.ephemeralContainerStatuses ?? []),
  ];
  for (const s of statuses) {
    add(s.name, s.containerID);
    // The instance before a restart: an OOM-killed container's id, while its replacement starts.
    add(s.name, s.lastState?.terminated?.containerID);
    add(s.name, s.state?.terminated?.containerID);
  }
  return out;
}

export class PodIndex {
  private readonly pods = new Map<string, IndexedPod>();
  private readonly containers = new Map<string, IndexedContainer>();
  private readonly mirrors = new Map<string, string>();
  // Expiry queue in goneAt order (time only moves forward); an entry revived or re-retired since is skipped.
  private queue: Array<{ kind: "pod" | "container"; key: string; at: number }> = [];
  private head = 0;
  /** Bumped on every change, so derived caches know when to look again. */
  version = 0;

  constructor(private readonly retainMs = 10 * 60_000) {}

  upsert(pod: V1Pod, now = Date.now()): void {
    const uid = pod.metadata?.uid;
    if (!uid) return;
    const seen = containersOf(pod);
    let entry = this.pods.get(uid);
    if (!entry) {
      entry = { uid, namespace: pod.metadata?.namespace ?? "", name: pod.metadata?.name ?? "", containerIds: new Set() };
      this.pods.set(uid, entry);
    }
    entry.namespace = pod.metadata?.namespace ?? entry.namespace;
    entry.name = pod.metadata?.name ?? entry.name;
    const qos = pod.status?.qosClass;
    if (qos && QOS_CLASSES.has(qos)) entry.qos = qos as QosClass;
    delete entry.goneAt;
    const mirror = pod.metadata?.annotations?.[MIRROR];
    if (mirror) this.mirrors.set(mirror, uid);
    for (const id of entry.containerIds) if (!seen.has(id)) this.retireContainer(id, now);
    for (const [id, c] of seen) {
      const prev = this.containers.get(id);
      const next: IndexedContainer = c.runtime ? { id, name: c.name, runtime: c.runtime, podUid: uid } : { id, name: c.name, podUid: uid };
      if (!prev || prev.goneAt !== undefined || prev.name !== c.name || prev.podUid !== uid || prev.runtime !== c.runtime)
        this.containers.set(id, next);
    }
    entry.containerIds = new Set(seen.keys());
    this.version++;
    this.prune(now);
  }

  /** The pod was deleted or left this node's selector; it stays resolvable for `retainMs`. */
  remove(pod: V1Pod, now = Date.now()): void {
    const uid = pod.metadata?.uid;
    const entry = uid ? this.pods.get(uid) : undefined;
    if (!entry || entry.goneAt !== undefined) return;
    // The final state may carry ids the last update did not (a container that exited on deletion).
    for (const [id, c] of containersOf(pod)) {
      if (!this.containers.has(id))
        this.containers.set(
          id,
          c.runtime ? { id, name: c.name, runtime: c.runtime, podUid: entry.uid } : { id, name: c.name, podUid: entry.uid },
        );
      entry.containerIds.add(id);
    }
    for (const id of entry.containerIds) this.retireContainer(id, now);
    entry.containerIds.clear();
    entry.goneAt = now;
    this.queue.push({ kind: "pod", key: entry.uid, at: now });
    this.version++;
    this.prune(now);
  }

  /** A fresh list (start-up, or a relist after the watch expired): pods not in it are gone. */
  replaceAll(pods: readonly V1Pod[], now = Date.now()): void {
    const listed = new Set(pods.map((p) => p.metadata?.uid).filter((u): u is string => !!u));
    for (const entry of [...this.pods.values()]) {
      if (entry.goneAt === undefined && !listed.has(entry.uid)) this.remove({ metadata: { uid: entry.uid } }, now);
    }
    for (const p of pods) this.upsert(p, now);
  }

  /** By pod uid, or by the config hash a static pod has in its cgroup path. */
  pod(uid: string): IndexedPod | undefined {
    const p = this.pods.get(uid);
    if (p) return p;
    const mirrored = this.mirrors.get(uid);
    return mirrored === undefined ? undefined : this.pods.get(mirrored);
  }

  /** A full 64-hex id is one lookup; a short one (docker ps style) is matched as a unique prefix. */
  container(id: string): IndexedContainer | undefined {
    const c = this.containers.get(id);
    if (c || id.length >= 64) return c;
    let found: IndexedContainer | undefined;
    for (const [key, entry] of this.containers) {
      if (!key.startsWith(id)) continue;
      if (found) return undefined; // ambiguous
      found = entry;
    }
    return found;
  }

  stats(): PodIndexStats {
    let gonePods = 0;
    let goneContainers = 0;
    for (const p of this.pods.values()) if (p.goneAt !== undefined) gonePods++;
    for (const c of this.containers.values()) if (c.goneAt !== undefined) goneContainers++;
    return { pods: this.pods.size - gonePods, containers: this.containers.size - goneContainers, gonePods, goneContainers };
  }

  /** Forgets what went more than `retainMs` ago; runs on every change, and may be called on a timer. */
  prune(now = Date.now()): void {
    while (this.head < this.queue.length) {
      const item = this.queue[this.head]!;
      if (item.at + this.retainMs > now) break;
      this.head++;
      if (item.kind === "pod") {
        const p = this.pods.get(item.key);
        if (p && p.goneAt === item.at) {
          this.pods.delete(item.key);
          for (const [hash, uid] of this.mirrors) if (uid === item.key) this.mirrors.delete(hash);
          this.version++;
        }
      } else {
        const c = this.containers.get(item.key);
        if (c && c.goneAt === item.at) {
          this.containers.delete(item.key);
          this.version++;
        }
      }
    }
    // Compact once the consumed prefix dominates, so the queue does not grow with history.
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
  }

  private retireContainer(id: string, now: number): void {
    const c = this.containers.get(id);
    if (!c || c.goneAt !== undefined) return;
    c.goneAt = now;
    this.queue.push({ kind: "container", key: id, at: now });
  }
}

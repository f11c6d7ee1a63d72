// Names from the container runtime, for nodes where Vigil has no API access, and as the fallback for
// containers the API server does not show yet (a container that just started, a pod sandbox). kubelet labels
// everything it creates: containers carry io.kubernetes.container.name and io.kubernetes.pod.{name,namespace,uid},
// sandboxes have the pod in their metadata. Lookups are synchronous against a snapshot; a miss asks for a
// new snapshot, at most once every `minRefreshIntervalMs`, so a stream of events about an unknown container
// cannot turn into a stream of runtime calls.
import type { CriClient } from "@vigil/cri";
import type { ContainerRuntime, EnrichLogger } from "./types.js";

export interface CriPod {
  uid: string;
  name: string;
  namespace: string;
}

export interface CriContainer {
  id: string;
  /** Undefined for a sandbox. */
  name?: string;
  podUid: string;
  sandbox?: true;
  /** Epoch ms of the last snapshot that listed it. */
  seenAt: number;
}

export interface CriNamesOptions {
  client: CriClient;
  log: EnrichLogger;
  /** Default 5 s. */
  minRefreshIntervalMs?: number;
  /** How long an id or pod the runtime no longer lists stays resolvable. Default 10 min. */
  retainMs?: number;
}

export interface CriNamesStatus {
  endpoint: string;
  state: "idle" | "ok" | "error";
  runtime?: ContainerRuntime;
  runtimeVersion?: string;
  pods: number;
  containers: number;
  refreshes: number;
  lastRefreshAt?: string;
  lastError?: string;
}

const POD_NAME = "io.kubernetes.pod.name";
const POD_NAMESPACE = "io.kubernetes.pod.namespace";
const POD_UID = "io.kubernetes.pod.uid";
const CONTAINER_NAME = "io.kubernetes.container.name";

/** The runtime's own name (Version.runtime_name) as a ContainerRuntime: "containerd", "cri-o", "docker" (cri-dockerd). */
export function runtimeFromName(name: string): ContainerRuntime | undefined {
  const n = name.toLowerCase();
  if (n.includes("containerd")) return "containerd";
  if (n.includes("cri-o") || n === "crio") return "cri-o";
  if (n.includes("docker")) return "docker";
  return undefined;
}

export class CriNames {
  private pods = new Map<string, CriPod & { seenAt: number }>();
  private containers = new Map<string, CriContainer>();
  private inflight: Promise<void> | undefined;
  private lastAttempt = 0;
  private lastRefreshAt: number | undefined;
  private lastError: string | undefined;
  private refreshes = 0;
  private runtime: ContainerRuntime | undefined;
  private runtimeVersion: string | undefined;
  private readonly minInterval: number;
  private readonly retainMs: number;
  /** Bumped when a snapshot lands, so derived caches know when to look again. */
  version = 0;

  constructor(private readonly options: CriNamesOptions) {
    this.minInterval = options.minRefreshIntervalMs ?? 5_000;
    this.retainMs = options.retainMs ?? 10 * 60_000;
  }

  get runtimeName(): ContainerRuntime | undefined {
    return this.runtime;
  }

  /** Takes a snapshot now (joining one in flight). Never rejects: failures are in status(). */
  refresh(): Promise<void> {
    this.inflight ??= this.load().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  container(id: string): CriContainer | undefined {
    const c = this.findContainer(id);
    if (!c) this.refreshSoon();
    return c;
  }

  pod(uid: string): CriPod | undefined {
    const p = this.pods.get(uid);
    if (!p) this.refreshSoon();
    return p;
  }

  status(): CriNamesStatus {
    const s: CriNamesStatus = {
      endpoint: this.options.client.endpoint.target,
      state: this.lastError !== undefined ? "error" : this.lastRefreshAt !== undefined ? "ok" : "idle",
      pods: this.pods.size,
      containers: this.containers.size,
      refreshes: this.refreshes,
    };
    if (this.runtime) s.runtime = this.runtime;
    if (this.runtimeVersion) s.runtimeVersion = this.runtimeVersion;
    if (this.lastRefreshAt !== undefined) s.lastRefreshAt = new Date(this.lastRefreshAt).toISOString();
    if (this.lastError !== undefined) s.lastError = this.lastError;
    return s;
  }

  private findContainer(id: string): CriContainer | undefined {
    const c = this.containers.get(id);
    if (c || id.length >= 64) return c;
    let found: CriContainer | undefined;
    for (const [key, entry] of this.containers) {
      if (!key.startsWith(id)) continue;
      if (found) return undefined; // ambiguous
      found = entry;
    }
    return found;
  }

  private refreshSoon(): void {
    if (this.inflight || Date.now() - this.lastAttempt < this.minInterval) return;
    void this.refresh();
  }

  private async load(): Promise<void> {
    this.lastAttempt = Date.now();
    const client = this.options.client;
    try {
      if (!this.runtime) {
        const v = await client.version();
        this.runtime = runtimeFromName(v.runtime_name);
        this.runtimeVersion = `${v.runtime_name} ${v.runtime_version}`.trim();
      }
      const [sandboxes, containers] = await Promise.all([client.listPodSandbox(), client.listContainers()]);
      const now = Date.now();
      for (const s of sandboxes) {
        const uid = s.metadata?.uid || s.labels[POD_UID];
        if (!uid) continue;
        this.pods.set(uid, {
          uid,
          name: s.metadata?.name || s.labels[POD_NAME] || "",
          namespace: s.metadata?.namespace || s.labels[POD_NAMESPACE] || "",
          seenAt: now,
        });
        this.containers.set(s.id, { id: s.id, podUid: uid, sandbox: true, seenAt: now });
      }
      for (const c of containers) {
        const uid = c.labels[POD_UID];
        if (!uid) continue; // not created by the kubelet
        const name = c.labels[CONTAINER_NAME] || c.metadata?.name;
        this.containers.set(c.id, name ? { id: c.id, name, podUid: uid, seenAt: now } : { id: c.id, podUid: uid, seenAt: now });
        // A pod whose sandbox is not ready any more still has its containers listed (exited ones included).
        if (!this.pods.has(uid) || this.pods.get(uid)!.seenAt < now) {
          this.pods.set(uid, { uid, name: c.labels[POD_NAME] ?? "", namespace: c.labels[POD_NAMESPACE] ?? "", seenAt: now });
        }
      }
      for (const [id, c] of this.containers) if (c.seenAt + this.retainMs <= now) this.containers.delete(id);
      for (const [uid, p] of this.pods) if (p.seenAt + this.retainMs <= now) this.pods.delete(uid);
      this.refreshes++;
      this.lastRefreshAt = now;
      this.lastError = undefined;
      this.version++;
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err);
      if (msg !== this.lastError) this.options.log.warn({ endpoint: client.endpoint.target, err: msg }, "CRI snapshot failed");
      this.lastError = msg;
    }
  }
}

// The library entry point: a running simulated cluster (API server + control plane + clock) that tests and the
// demo start, load scenarios into, drive through time and stop.
import { writeFile } from "node:fs/promises";
import type { AddressInfo, Socket } from "node:net";
import type { Server } from "node:http";
import { requireDurationMs } from "@vigil/contracts";
import { Cluster } from "./cluster.js";
import { ObjectStore } from "./store/object-store.js";
import { parseStartTime, SimClock, type ClockMode } from "./clock.js";
import { ControlPlane } from "./control-plane.js";
import { defaultControllers } from "./controllers/index.js";
import { createApiServer } from "./api/server.js";
import { registerSimControls } from "./api/sim-control.js";
import { openWatches } from "./api/watch.js";
import { R, resolveType, storeKey } from "./api/resources.js";
import { applyPatch } from "./api/patch.js";
import { createObjects, parseScenario, readScenario, type ScenarioInfo, type TimelineStep } from "./scenario/loader.js";
import { kubeconfigYaml } from "./kubeconfig.js";
import { startKubelet, stopKubelet } from "./kubelet/kubelet-presence.js";
import { authFor, type UnauthenticatedMode } from "./auth/auth-state.js";
import { bootstrapPolicy } from "./auth/bootstrap-policy.js";
import { ADMIN_TOKEN } from "./auth/tokens.js";
import { registryOf, type ImageRegistry } from "./kubelet/registry.js";
import type { KubeObject } from "./types.js";

export interface KubeSimOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  /** "virtual" (default): time moves only through advance(); "real": wall-clock time, for the demo. */
  clock?: ClockMode;
  /** Virtual start time (ISO string or ms). */
  startTime?: string | number;
  /** Virtual time step between control-plane passes while advancing (default 1 s). */
  stepMs?: number;
  /** Real-time mode: how often the control plane runs (default 500 ms). */
  tickMs?: number;
  /** A scenario to load at start (name or path). */
  scenario?: string;
  /**
   * "closed": only published images pull (those declared or used by loaded workloads, or `sim.registry.push`ed).
   * Default: open until a scenario is loaded, closed from then on; "open" keeps every image pulling.
   */
  registry?: "open" | "closed";
  /**
   * What a request without a bearer token is: "admin" (default, for clients written before the simulator
   * authenticated) or "anonymous", as on a real cluster (system:anonymous, forbidden nearly everything by RBAC).
   */
  unauthenticated?: UnauthenticatedMode;
}

/** An identity to write a kubeconfig for: a user ("alice") or ServiceAccount ("system:serviceaccount:vigil:executor"). */
export interface IdentityOptions {
  user?: string;
  /** Extra groups; ServiceAccounts get their ServiceAccount groups when none are given, everyone system:authenticated. */
  groups?: string[];
  /**
   * Connect over https (same port, self-signed, verification skipped). kubectl sends a token only over TLS, so this is
   * the default for a named identity and, with `unauthenticated: "anonymous"`, for the admin too.
   */
  tls?: boolean;
}

export type PatchType = "strategic" | "merge" | "json";
const PATCH_CONTENT: Record<PatchType, string> = {
  strategic: "application/strategic-merge-patch+json",
  merge: "application/merge-patch+json",
  json: "application/json-patch+json",
};

const SYSTEM_NAMESPACES = ["default", "kube-system", "kube-public", "kube-node-lease"];
/** The API server's own Service, present in every cluster (clients and `kubectl get svc` expect it). */
const KUBERNETES_SERVICE: KubeObject = {
  apiVersion: "v1",
  kind: "Service",
  metadata: { name: "kubernetes", namespace: "default", labels: { component: "apiserver", provider: "kubernetes" } },
  spec: { clusterIP: "10.96.0.1", ports: [{ name: "https", port: 443, protocol: "TCP", targetPort: 6443 }] },
};

export class KubeSim {
  readonly store = new ObjectStore();
  readonly clock: SimClock;
  readonly cluster: Cluster;
  readonly controlPlane: ControlPlane;
  readonly stepMs: number;
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  private ticker?: NodeJS.Timeout;
  private readonly timers: NodeJS.Timeout[] = [];
  scenario?: ScenarioInfo;

  private constructor(private readonly opts: KubeSimOptions) {
    this.clock = new SimClock(opts.clock ?? "virtual", parseStartTime(opts.startTime));
    this.cluster = new Cluster(this.store, this.clock);
    this.controlPlane = new ControlPlane(this.cluster, defaultControllers());
    this.stepMs = opts.stepMs ?? 1000;
    registerSimControls(this.cluster, { clock: this.clock, advance: (ms) => this.advance(ms), scenario: () => this.scenario });
  }

  static async start(opts: KubeSimOptions = {}): Promise<KubeSim> {
    const sim = new KubeSim(opts);
    for (const name of SYSTEM_NAMESPACES) sim.cluster.create(R.namespaces, { apiVersion: "v1", kind: "Namespace", metadata: { name } });
    sim.cluster.create(R.services, KUBERNETES_SERVICE);
    bootstrapPolicy(sim.cluster);
    authFor(sim.cluster).unauthenticated = opts.unauthenticated ?? "admin";
    sim.controlPlane.settle();
    if (opts.registry === "closed") sim.registry.close();
    if (opts.scenario) await sim.loadScenario(opts.scenario);
    await sim.listen();
    sim.controlPlane.start();
    if (sim.clock.mode === "real") sim.ticker = setInterval(() => sim.controlPlane.settle(), opts.tickMs ?? 500);
    return sim;
  }

  private listen(): Promise<void> {
    this.server = createApiServer(this.cluster);
    // closeAllConnections misses sockets whose HTTP parser is already gone; stop() destroys those too.
    this.server.on("connection", (socket: Socket) => {
      this.sockets.add(socket);
      socket.once("close", () => this.sockets.delete(socket));
    });
    return new Promise((resolve, reject) => {
      this.server!.once("error", reject);
      this.server!.listen(this.opts.port ?? 0, this.opts.host ?? "127.0.0.1", () => resolve());
    });
  }

  get port(): number {
    return (this.server?.address() as AddressInfo).port;
  }

  get url(): string {
    return `http://${this.opts.host ?? "127.0.0.1"}:${this.port}`;
  }

  /** A kubeconfig for the default admin, or for `user` (its token authenticates as that identity, under RBAC). */
  kubeconfig(opts: IdentityOptions = {}): string {
    const tls = opts.tls ?? (opts.user !== undefined || authFor(this.cluster).unauthenticated === "anonymous");
    const server = tls ? this.url.replace(/^http:/, "https:") : this.url;
    return opts.user ? kubeconfigYaml(server, "kube-sim", { user: opts.user, token: this.token(opts) }) : kubeconfigYaml(server);
  }

  /** A bearer token that authenticates as `user` (the default admin's without one). */
  token(opts: IdentityOptions = {}): string {
    return opts.user ? authFor(this.cluster).tokens.issue(opts.user, opts.groups) : ADMIN_TOKEN;
  }

  async writeKubeconfig(path: string, opts: IdentityOptions = {}): Promise<void> {
    await writeFile(path, this.kubeconfig(opts), { mode: 0o600 });
  }

  /**
   * Loads a shipped scenario by name, or a YAML file by path, then plays its timeline and warm-up: at once on a
   * virtual clock, in real time (in the background) on a real one.
   */
  async loadScenario(nameOrPath: string, opts: { warmup?: boolean } = {}): Promise<ScenarioInfo> {
    const { info, objects } = readScenario(nameOrPath);
    this.registry.push(...info.registryImages);
    if (this.opts.registry !== "open") this.registry.close();
    for (const name of info.kubelets ?? []) startKubelet(this.cluster, name);
    createObjects(this.cluster, objects);
    this.scenario = info;
    this.controlPlane.settle();
    const start = this.clock.now();
    if (this.clock.mode === "real") {
      for (const step of info.timeline) {
        this.timers.push(setTimeout(() => this.playStep(step), step.afterMs));
      }
      return info;
    }
    if (opts.warmup === false) return info;
    for (const step of info.timeline) {
      await this.advance(Math.max(0, start + step.afterMs - this.clock.now()));
      this.playStep(step);
    }
    await this.advance(Math.max(0, start + info.warmupMs - this.clock.now()));
    return info;
  }

  private playStep(step: TimelineStep): void {
    const p = step.patch;
    this.patch(p.kind, p.name, p.patch, { ...(p.namespace ? { namespace: p.namespace } : {}), ...(p.type ? { type: p.type } : {}) });
  }

  /** The simulated image registry: `push(ref)` publishes a release, `has(ref)` says whether it would pull. */
  get registry(): ImageRegistry {
    return registryOf(this.cluster);
  }

  /** Creates manifests given as YAML text or objects. */
  load(manifests: string | KubeObject[]): void {
    const objects = typeof manifests === "string" ? parseScenario(manifests, "inline").objects : manifests;
    createObjects(this.cluster, objects);
    this.controlPlane.settle();
  }

  /**
   * Advances virtual time ("10m" or ms) in steps, running the control plane at each; yields to I/O between steps.
   * Calls queue behind each other (the control endpoint can be called concurrently), so each moves time by its own
   * amount. Resolves with the simulated time reached (a queued call may already be moving it further).
   */
  async advance(duration: string | number): Promise<number> {
    const ms = requireDurationMs(duration);
    const run = this.advancing.then(async () => {
      await this.advanceNow(ms);
      return this.clock.now();
    });
    this.advancing = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  private advancing: Promise<void> = Promise.resolve();

  private async advanceNow(ms: number): Promise<void> {
    const end = this.clock.now() + ms;
    while (this.clock.now() < end) {
      this.clock.set(Math.min(end, this.clock.now() + this.stepMs));
      this.controlPlane.settle();
      await new Promise((r) => setImmediate(r));
    }
  }

  /** Runs the control plane until nothing changes (writes also trigger it on their own). */
  settle(): void {
    this.controlPlane.settle();
  }

  private key(kind: string): string {
    const t = resolveType(kind);
    if (!t) throw new Error(`unknown kind "${kind}"`);
    return storeKey(t);
  }

  get<T extends KubeObject = KubeObject>(kind: string, name: string, namespace = "default"): T | undefined {
    return this.cluster.get<T>(this.key(kind), namespace, name) ?? this.cluster.get<T>(this.key(kind), undefined, name);
  }

  list<T extends KubeObject = KubeObject>(kind: string, namespace?: string): T[] {
    return this.cluster.list<T>(this.key(kind), namespace);
  }

  /** Applies a change as a client would (strategic merge patch by default) and lets the controllers react. */
  patch<T extends KubeObject = KubeObject>(
    kind: string,
    name: string,
    patch: unknown,
    opts: { namespace?: string; type?: PatchType } = {},
  ): T {
    const key = this.key(kind);
    const current = this.cluster.mustGet(key, resolveType(kind)!.namespaced ? (opts.namespace ?? "default") : undefined, name);
    const next = applyPatch(current, patch, PATCH_CONTENT[opts.type ?? "strategic"]) as KubeObject;
    const updated = this.cluster.update<T>(key, next);
    this.settle();
    return updated;
  }

  /** Deletes as a client would: pods on a node terminate gracefully (gracePeriodSeconds 0 forces), finalizers hold. */
  delete(kind: string, name: string, namespace = "default", opts: { gracePeriodSeconds?: number } = {}): void {
    const t = resolveType(kind)!;
    this.cluster.delete(this.key(kind), t.namespaced ? namespace : undefined, name, opts);
    this.settle();
  }

  /** Runs a simulated kubelet for the node name (now, or once a Node of that name is created, even over the API). */
  startKubelet(nodeName: string): void {
    startKubelet(this.cluster, nodeName);
    this.settle();
  }

  /** Stops the node's kubelet: no status or lease renewals, its pods freeze; the node goes Unknown after 40 s. */
  stopKubelet(nodeName: string): void {
    stopKubelet(this.cluster, nodeName);
    this.settle();
  }

  /** Events, optionally only those about one object. */
  events(about?: KubeObject): KubeObject[] {
    return about ? this.cluster.events.about(about) : this.cluster.list(R.events);
  }

  /** Closes every open watch, as a network failure or API server restart would. */
  dropWatches(): number {
    const open = openWatches(this.cluster);
    const n = open.size;
    for (const res of [...open]) res.destroy();
    return n;
  }

  /** Forgets watch history: resuming from an older resourceVersion answers 410 Gone. */
  compact(): void {
    this.store.compact();
  }

  async stop(): Promise<void> {
    this.controlPlane.stop();
    if (this.ticker) clearInterval(this.ticker);
    for (const t of this.timers) clearTimeout(t);
    this.dropWatches();
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

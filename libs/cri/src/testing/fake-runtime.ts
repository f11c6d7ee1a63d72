import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Server, ServerCredentials, status, type handleUnaryCall } from "@grpc/grpc-js";
import type { RuntimeServiceHandlers } from "../generated/runtime/v1/RuntimeService.js";
import { loadCriProto } from "../proto.js";
import type { Labels, VersionResponse } from "../types.js";
import {
  makePod,
  renderContainer,
  renderContainerStats,
  renderPodSandboxStats,
  renderSandbox,
  type FakePod,
  type FakePodSpec,
} from "./fake-model.js";

export type FakeMethod = "Version" | "ListPodSandbox" | "ListContainers" | "ListContainerStats" | "ListPodSandboxStats";
const METHODS: readonly FakeMethod[] = ["Version", "ListPodSandbox", "ListContainers", "ListContainerStats", "ListPodSandboxStats"];

/** Fail a method with `code` after `after` more successful calls, `times` times (default: until cleared). */
export interface FailureRule {
  code: status;
  message?: string;
  after?: number;
  times?: number;
}

export interface FakeRuntimeOptions {
  /** Unix socket to listen on; default containerd.sock in a fresh temp dir (removed by close()). */
  socketPath?: string;
  /** Listen on 127.0.0.1 instead (0: any free port, kept across restarts). */
  tcpPort?: number;
  version?: Partial<VersionResponse>;
  /** false: ListPodSandboxStats answers UNIMPLEMENTED, like containerd < 1.7. Default true. */
  podSandboxStats?: boolean;
}

// The filter fields the fake honours, common to the filters of the List calls it serves.
interface Filter {
  id?: string;
  pod_sandbox_id?: string;
  state?: { state: string } | null;
  label_selector?: Labels;
}

/**
 * A CRI v1 runtime (`runtime.v1.RuntimeService`) over real gRPC, answering like containerd from `pods`.
 * Mutate pods and `advance()` the clock between calls; inject failures with `fail()` and latency with
 * `delay()`; `stop()` / `start()` take it away and bring it back on the same socket, like a runtime restart.
 */
export class FakeRuntime {
  readonly pods: FakePod[] = [];
  /** The runtime's clock: every stats timestamp is this value (epoch ns). */
  nowNs = BigInt(Date.now()) * 1_000_000n;
  version: VersionResponse;
  podSandboxStats: boolean;
  /** Calls received per method, failed ones included. */
  readonly calls = Object.fromEntries(METHODS.map((m) => [m, 0])) as Record<FakeMethod, number>;
  private readonly failures = new Map<FakeMethod, Required<Omit<FailureRule, "message">> & { message?: string }>();
  private readonly delays = new Map<FakeMethod, number>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private server: Server | undefined;
  private tcpPort: number | undefined;

  private constructor(
    private readonly socketPath: string | undefined,
    private readonly tempDir: string | undefined,
    options: FakeRuntimeOptions,
  ) {
    this.tcpPort = options.tcpPort;
    this.podSandboxStats = options.podSandboxStats ?? true;
    this.version = {
      version: "0.1.0",
      runtime_name: "containerd",
      runtime_version: "v1.7.27",
      runtime_api_version: "v1",
      ...options.version,
    };
  }

  static async start(options: FakeRuntimeOptions = {}): Promise<FakeRuntime> {
    let tempDir: string | undefined;
    let socketPath = options.socketPath;
    if (options.tcpPort === undefined && socketPath === undefined) {
      tempDir = await mkdtemp(join(tmpdir(), "vigil-cri-"));
      socketPath = join(tempDir, "containerd.sock");
    }
    const runtime = new FakeRuntime(options.tcpPort === undefined ? socketPath : undefined, tempDir, options);
    await runtime.start();
    return runtime;
  }

  /** gRPC target for CriClient: `unix:///…/containerd.sock` or `127.0.0.1:<port>`. */
  get endpoint(): string {
    return this.socketPath !== undefined ? `unix://${this.socketPath}` : `127.0.0.1:${this.tcpPort}`;
  }

  get path(): string | undefined {
    return this.socketPath;
  }

  get running(): boolean {
    return this.server !== undefined;
  }

  addPod(spec: FakePodSpec): FakePod {
    const pod = makePod(spec, this.nowNs);
    this.pods.push(pod);
    return pod;
  }

  removePod(pod: FakePod): void {
    const i = this.pods.indexOf(pod);
    if (i >= 0) this.pods.splice(i, 1);
  }

  /** Moves the runtime's clock; usage counters move only when the test changes them. */
  advance(ms: number): void {
    this.nowNs += BigInt(ms) * 1_000_000n;
  }

  fail(method: FakeMethod, rule: FailureRule): void {
    this.failures.set(method, { after: 0, times: Infinity, ...rule });
  }

  clearFailures(): void {
    this.failures.clear();
  }

  /** Answers `method` after `ms` (0 clears), to run into the client's deadline. */
  delay(method: FakeMethod, ms: number): void {
    if (ms > 0) this.delays.set(method, ms);
    else this.delays.delete(method);
  }

  /** Listens again (same socket path or port) after stop(). */
  async start(): Promise<void> {
    if (this.server) return;
    const server = new Server();
    server.addService(loadCriProto().runtimeService, this.implementation());
    if (this.socketPath !== undefined) {
      await rm(this.socketPath, { force: true }); // a stale socket file makes bind fail, as for a real runtime
      await bind(server, `unix://${this.socketPath}`);
    } else {
      this.tcpPort = await bind(server, `127.0.0.1:${this.tcpPort ?? 0}`);
    }
    this.server = server;
  }

  /** Drops every connection and removes the socket: the runtime is gone until start(). */
  async stop(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.server?.forceShutdown();
    this.server = undefined;
    if (this.socketPath !== undefined) await rm(this.socketPath, { force: true });
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  async close(): Promise<void> {
    await this.stop();
    if (this.tempDir) await rm(this.tempDir, { recursive: true, force: true });
  }

  private implementation(): Pick<RuntimeServiceHandlers, FakeMethod> {
    const sandboxes = (f: Filter | null | undefined) => this.pods.filter((p) => podMatches(p, f)).map(renderSandbox);
    return {
      Version: this.handler("Version", () => this.version),
      ListPodSandbox: this.handler("ListPodSandbox", (req) => ({ items: sandboxes(req.filter) })),
      ListContainers: this.handler("ListContainers", (req) => ({
        containers: this.pods.flatMap((p) => p.containers.map((c) => renderContainer(p, c))).filter((c) => containerMatches(c, req.filter)),
      })),
      ListContainerStats: this.handler("ListContainerStats", (req) => ({
        stats: this.pods.flatMap((p) =>
          p.containers.flatMap((c) => {
            const s = renderContainerStats(p, c, this.nowNs);
            return s && containerMatches({ id: c.id, pod_sandbox_id: p.sandboxId, labels: s.attributes?.labels ?? {} }, req.filter)
              ? [s]
              : [];
          }),
        ),
      })),
      ListPodSandboxStats: this.handler("ListPodSandboxStats", (req) => {
        if (!this.podSandboxStats)
          throw Object.assign(new Error("unknown method ListPodSandboxStats for service runtime.v1.RuntimeService"), {
            code: status.UNIMPLEMENTED,
          });
        const ready = this.pods.filter((p) => p.ready && podMatches(p, req.filter ? { ...req.filter, state: null } : null));
        return { stats: ready.map((p) => renderPodSandboxStats(p, this.nowNs)) };
      }),
    };
  }

  private handler<Req, Res>(method: FakeMethod, respond: (request: Req) => Res): handleUnaryCall<Req, Res> {
    return (call, callback) => {
      this.calls[method]++;
      const failure = this.nextFailure(method);
      const answer = () => {
        if (failure) return callback({ code: failure.code, details: failure.message ?? `injected ${status[failure.code]}` });
        try {
          callback(null, respond(call.request));
        } catch (err) {
          const e = err as Error & { code?: status };
          callback({ code: e.code ?? status.INTERNAL, details: e.message });
        }
      };
      const ms = this.delays.get(method);
      if (!ms) return answer();
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        answer();
      }, ms);
      this.timers.add(timer);
    };
  }

  private nextFailure(method: FakeMethod): FailureRule | undefined {
    const rule = this.failures.get(method);
    if (!rule) return undefined;
    if (rule.after > 0) {
      rule.after--;
      return undefined;
    }
    if (--rule.times <= 0) this.failures.delete(method);
    return rule;
  }
}

function bind(server: Server, address: string): Promise<number> {
  return new Promise((resolve, reject) =>
    server.bindAsync(address, ServerCredentials.createInsecure(), (err, port) => (err ? reject(err) : resolve(port))),
  );
}

const labelsMatch = (labels: Labels, selector: Labels | undefined): boolean =>
  Object.entries(selector ?? {}).every(([k, v]) => labels[k] === v);

function podMatches(p: FakePod, f: Filter | null | undefined): boolean {
  if (!f) return true;
  if (f.id && f.id !== p.sandboxId) return false;
  if (f.state && f.state.state !== (p.ready ? "SANDBOX_READY" : "SANDBOX_NOTREADY")) return false;
  return labelsMatch(renderSandbox(p).labels, f.label_selector);
}

function containerMatches(
  c: { id: string; pod_sandbox_id: string; labels: Labels; state?: string },
  f: Filter | null | undefined,
): boolean {
  if (!f) return true;
  if (f.id && f.id !== c.id) return false;
  if (f.pod_sandbox_id && f.pod_sandbox_id !== c.pod_sandbox_id) return false;
  if (f.state && c.state !== undefined && f.state.state !== c.state) return false;
  return labelsMatch(c.labels, f.label_selector);
}

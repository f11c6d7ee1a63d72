import { credentials, Metadata, status, type CallOptions, type requestCallback } from "@grpc/grpc-js";
import { backoffDelay, type BackoffOptions } from "@vigil/contracts";
import { parseEndpoint, type RuntimeEndpoint } from "./endpoint.js";
import { loadCriProto, type RuntimeServiceClient } from "./proto.js";
import type { ListContainersResponse__Output as ListContainersResponse } from "./generated/runtime/v1/ListContainersResponse.js";
import type { ListContainerStatsResponse__Output as ListContainerStatsResponse } from "./generated/runtime/v1/ListContainerStatsResponse.js";
import type { ListPodSandboxResponse__Output as ListPodSandboxResponse } from "./generated/runtime/v1/ListPodSandboxResponse.js";
import type { ListPodSandboxStatsResponse__Output as ListPodSandboxStatsResponse } from "./generated/runtime/v1/ListPodSandboxStatsResponse.js";
import type { Container, ContainerStats, PodSandbox, PodSandboxStats, VersionResponse } from "./types.js";

export type CriCall = "Version" | "ListPodSandbox" | "ListContainers" | "ListContainerStats" | "ListPodSandboxStats";

/** A runtime call that failed. `code` is the gRPC status name, or BACKOFF when the client made no call at all. */
export class CriCallError extends Error {
  override readonly name = "CriCallError";
  constructor(
    readonly call: CriCall,
    readonly code: string,
    readonly detail: string,
  ) {
    super(`${call}: ${code}: ${detail}`);
  }
}

/** One call as seen by the client, for metrics: code is OK, a gRPC status name, or BACKOFF. */
export interface CriCallEvent {
  call: CriCall;
  code: string;
  durationMs: number;
}

export interface CriClientOptions {
  /** A parsed endpoint, or a string for parseEndpoint (`unix:///run/containerd/containerd.sock`, `127.0.0.1:9000`). */
  endpoint: RuntimeEndpoint | string;
  /** Deadline of each call. Default 5 s: kubelet's own is 2 min, but a sampler must not stall behind a hung runtime. */
  callTimeoutMs?: number;
  /** Wait between attempts while the runtime is unreachable. Default 1 s doubling to 30 s. */
  reconnect?: BackoffOptions;
  onCall?: (event: CriCallEvent) => void;
}

export interface ConnectionState {
  /** Consecutive attempts that found the runtime unreachable (UNAVAILABLE or DEADLINE_EXCEEDED). */
  failures: number;
  /** Epoch ms before which calls fail fast with BACKOFF; 0 when the runtime is reachable. */
  retryAt: number;
  /** Bumped each time the channel is replaced; a new generation may be a restarted (upgraded) runtime. */
  generation: number;
}

/** Makes one call on the stub: the typed stub method, with the metadata, options and callback it is given. */
type Invoke<T> = (stub: RuntimeServiceClient, metadata: Metadata, options: CallOptions, callback: requestCallback<T>) => unknown;

/** Codes that mean "the runtime is not answering", as opposed to "it answered with an error". */
const UNREACHABLE = new Set<number>([status.UNAVAILABLE, status.DEADLINE_EXCEEDED]);

const CHANNEL_OPTIONS = {
  // kubelet's limit too: ListContainerStats on a full node exceeds grpc's 4 MiB default.
  "grpc.max_receive_message_length": 16 * 1024 * 1024,
  // The client's own backoff decides when to try again and replaces the channel then; grpc-js's backoff
  // (up to 120 s by default) would otherwise keep a restarted runtime unreachable for minutes.
  "grpc.initial_reconnect_backoff_ms": 500,
  "grpc.max_reconnect_backoff_ms": 5_000,
};

/**
 * A CRI v1 RuntimeService client over @grpc/grpc-js with a deadline on every call. While the runtime is
 * unreachable, calls fail fast (BACKOFF) until the next attempt is due, and that attempt goes over a fresh
 * channel, so a runtime restarting on the same socket is picked up on schedule and a dead one is not hammered.
 */
export class CriClient {
  readonly endpoint: RuntimeEndpoint;
  private readonly callTimeoutMs: number;
  private readonly reconnect: BackoffOptions;
  private readonly onCall: ((event: CriCallEvent) => void) | undefined;
  private client: RuntimeServiceClient;
  private failures = 0;
  private retryAt = 0;
  /** The channel failed: replace it before the next attempt. */
  private stale = false;
  private generation = 1;
  private sandboxStats: boolean | undefined;
  private closed = false;

  constructor(options: CriClientOptions) {
    this.endpoint = typeof options.endpoint === "string" ? parseEndpoint(options.endpoint) : options.endpoint;
    this.callTimeoutMs = options.callTimeoutMs ?? 5_000;
    this.reconnect = options.reconnect ?? { baseMs: 1_000, maxMs: 30_000 };
    this.onCall = options.onCall;
    this.client = this.newChannel();
  }

  get connection(): ConnectionState {
    return { failures: this.failures, retryAt: this.retryAt, generation: this.generation };
  }

  /** Whether the runtime has ListPodSandboxStats; undefined until asked (asked again after a reconnect). */
  get podSandboxStatsSupported(): boolean | undefined {
    return this.sandboxStats;
  }

  version(): Promise<VersionResponse> {
    return this.unary<VersionResponse>("Version", (stub, md, options, cb) => stub.Version({ version: "v1" }, md, options, cb));
  }

  /** Ready sandboxes only: a NOTREADY sandbox's pod has been stopped or is being torn down. */
  async listPodSandbox(): Promise<PodSandbox[]> {
    const res = await this.unary<ListPodSandboxResponse>("ListPodSandbox", (stub, md, options, cb) =>
      stub.ListPodSandbox({ filter: { state: { state: "SANDBOX_READY" } } }, md, options, cb),
    );
    return res.items;
  }

  /** Every container, exited ones included (they carry the restart attempt and the state of a crash-looping container). */
  async listContainers(): Promise<Container[]> {
    return (await this.unary<ListContainersResponse>("ListContainers", (stub, md, options, cb) => stub.ListContainers({}, md, options, cb)))
      .containers;
  }

  /** Stats of running containers. */
  async listContainerStats(): Promise<ContainerStats[]> {
    return (
      await this.unary<ListContainerStatsResponse>("ListContainerStats", (stub, md, options, cb) =>
        stub.ListContainerStats({}, md, options, cb),
      )
    ).stats;
  }

  /**
   * Pod-level stats, or undefined when the runtime does not implement the call (containerd < 1.7, some
   * CRI-O versions): UNIMPLEMENTED is remembered and the call not made again on this channel.
   */
  async listPodSandboxStats(): Promise<PodSandboxStats[] | undefined> {
    if (this.sandboxStats === false) return undefined;
    try {
      const res = await this.unary<ListPodSandboxStatsResponse>("ListPodSandboxStats", (stub, md, options, cb) =>
        stub.ListPodSandboxStats({}, md, options, cb),
      );
      this.sandboxStats = true;
      return res.stats;
    } catch (err) {
      if (err instanceof CriCallError && err.code === "UNIMPLEMENTED") {
        this.sandboxStats = false;
        return undefined;
      }
      throw err;
    }
  }

  close(): void {
    this.closed = true;
    this.client.close();
  }

  private newChannel(): RuntimeServiceClient {
    const { RuntimeService } = loadCriProto();
    return new RuntimeService(this.endpoint.target, credentials.createInsecure(), CHANNEL_OPTIONS);
  }

  private unary<T>(call: CriCall, invoke: Invoke<T>): Promise<T> {
    if (this.closed) return Promise.reject(new CriCallError(call, "CANCELLED", "client closed"));
    if (this.stale) {
      const wait = this.retryAt - Date.now();
      if (wait > 0) {
        this.onCall?.({ call, code: "BACKOFF", durationMs: 0 });
        return Promise.reject(
          new CriCallError(call, "BACKOFF", `runtime unreachable (${this.failures} failed attempts); next attempt in ${wait} ms`),
        );
      }
      this.client.close();
      this.client = this.newChannel();
      this.generation++;
      this.sandboxStats = undefined;
      this.stale = false;
    }
    const started = performance.now();
    return new Promise<T>((resolve, reject) => {
      invoke(this.client, new Metadata(), { deadline: Date.now() + this.callTimeoutMs }, (error, response) => {
        const code = error ? (status[error.code] ?? String(error.code)) : "OK";
        this.onCall?.({ call, code, durationMs: performance.now() - started });
        if (!error) {
          this.failures = 0;
          this.retryAt = 0;
          this.stale = false;
          resolve(response as T); // grpc-js hands a response with every success
          return;
        }
        this.noteFailure(error.code);
        reject(new CriCallError(call, code, error.details || error.message));
      });
    });
  }

  private noteFailure(code: number): void {
    if (!UNREACHABLE.has(code)) return; // the runtime answered: the connection is fine
    const now = Date.now();
    if (this.stale && now < this.retryAt) return; // a concurrent call of the same attempt already counted it
    this.failures++;
    this.stale = true;
    this.retryAt = now + backoffDelay(this.failures, this.reconnect);
  }
}

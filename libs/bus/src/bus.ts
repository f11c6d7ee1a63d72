import { type JetStreamClient, type JetStreamManager, jetstream, jetstreamManager } from "@nats-io/jetstream";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import {
  allStreams,
  type KvBucketDefinition,
  kvBuckets,
  type MessageOf,
  type StreamDefinition,
  type Topic,
  type DelayedTaskDefinition,
} from "@vigil/contracts";
import type { Logger } from "pino";
import { Registry } from "prom-client";
import { encodeMessage } from "./codec.js";
import { type ConsumerDeps, ConsumerRunner, type ConsumerSpec } from "./consumer.js";
import { CORRELATION_HEADER } from "./dead-letter.js";
import { DelayedQueue } from "./delayed/delayed-queue.js";
import { type ConsumerHealth, defaultRecovery, type RecoveryOptions } from "./durable-loop.js";
import { Idempotency } from "./idempotency.js";
import { Leases } from "./kv/lease.js";
import { openBucket } from "./kv/open-bucket.js";
import { TypedKv } from "./kv/typed-kv.js";
import { BusMetrics } from "./metrics.js";
import { ensureStream } from "./provision.js";
import { type PubAck, type PublishItem, type PublishOptions, JetStreamPublisher } from "./publisher.js";
import { parseServers } from "./servers.js";
import { versionAtLeast } from "./version.js";
import { BusUnavailableError } from "./errors.js";

export interface BusOptions {
  /** One URL or a comma-separated list, e.g. `nats://nats:4222`. */
  servers: string | string[];
  /** Connection name shown by `nats server report connections`. */
  name: string;
  log: Logger;
  registry?: Registry;
  token?: string;
  user?: string;
  pass?: string;
  publishTimeoutMs?: number;
  maxPublishesInFlight?: number;
  reconnectTimeWaitMs?: number;
  streamReplicas?: number;
  /** How consumers notice and re-create a lost stream or durable. */
  consumerRecovery?: Partial<RecoveryOptions>;
}

/** What the bus stops at shutdown and reports in readiness: topic consumers and delayed-task consumers. */
interface RunningConsumer {
  stop(deadlineMs?: number): Promise<void>;
  health(): ConsumerHealth;
}

export interface BusPublishOptions extends Omit<PublishOptions, "msgId"> {
  /**
   * The caller's code builds messages that satisfy the topic's schema, and its tests read what it publishes
   * back through that schema (ebpf-ingest from validated input, the collector's samplers): skip the check
   * here, the costliest step of a publish after the network. Consumers validate on receipt either way.
   */
  skipSchemaCheck?: boolean;
}

/**
 * Vigil's only way to talk to other services: a NATS connection that reconnects forever, stream and
 * consumer provisioning, schema-checked publishing with dedupe ids, and durable consumers.
 */
export class Bus {
  readonly metrics: BusMetrics;
  readonly publisher: JetStreamPublisher;
  readonly js: JetStreamClient;
  private readonly consumers: RunningConsumer[] = [];
  private connectedFlag = true;
  private readonly restoredAt = new Map<string, number>();
  private readonly buckets = new Map<string, Promise<TypedKv<KvBucketDefinition>>>();
  private idempotencyPromise?: Promise<Idempotency>;

  private constructor(
    readonly nc: NatsConnection,
    readonly jsm: JetStreamManager,
    private readonly opts: BusOptions,
  ) {
    this.metrics = new BusMetrics(opts.registry ?? new Registry());
    this.metrics.connected.set(1);
    this.js = jetstream(nc);
    this.publisher = new JetStreamPublisher(nc, {
      timeoutMs: opts.publishTimeoutMs ?? 5000,
      maxInFlight: opts.maxPublishesInFlight ?? 8192,
      metrics: this.metrics,
    });
    void this.watchStatus();
  }

  /** Connects, waiting for the first connection as long as it takes (services start before NATS in compose/k8s). */
  static async connect(opts: BusOptions): Promise<Bus> {
    const { servers, auth } = parseServers(opts.servers);
    const nc = await connect({
      servers,
      ...auth,
      name: opts.name,
      maxReconnectAttempts: -1,
      waitOnFirstConnect: true,
      // An Error with a stack trace per request costs ~1 ms of CPU per message at load; ours carry the subject anyway.
      noAsyncTraces: true,
      reconnectTimeWait: opts.reconnectTimeWaitMs ?? 2000,
      ...(opts.token ? { token: opts.token } : {}),
      ...(opts.user ? { user: opts.user, pass: opts.pass } : {}),
    });
    const jsm = await jetstreamManager(nc, { checkAPI: true });
    opts.log.info({ server: nc.getServer(), version: nc.info?.version }, "connected to NATS");
    return new Bus(nc, jsm, opts);
  }

  get connected(): boolean {
    return this.connectedFlag && !this.nc.isClosed();
  }

  get serverVersion(): string | undefined {
    return this.nc.info?.version;
  }

  supports(minServerVersion: string): boolean {
    return versionAtLeast(this.serverVersion, minServerVersion);
  }

  /** Creates or updates the streams (all of Vigil's by default). Idempotent. */
  async provision(streams: readonly StreamDefinition[] = allStreams): Promise<void> {
    for (const def of streams) await ensureStream(this.jsm, def, this.opts.log, this.opts.streamReplicas ?? 1);
  }

  /**
   * The bucket as a typed store (values checked against its schema), created on first use; an existing
   * bucket is used as it is. Real failures (no JetStream, permissions, a non-bucket stream of that name) throw.
   */
  kv<B extends KvBucketDefinition>(def: B): Promise<TypedKv<B>> {
    let bucket = this.buckets.get(def.name);
    if (!bucket) {
      bucket = openBucket(this.js, this.jsm, def, this.opts.log, this.opts.streamReplicas ?? 1).then(
        (raw) => new TypedKv(def, raw, this.jsm),
      );
      bucket.catch(() => this.buckets.delete(def.name)); // a failed open is tried again next time
      this.buckets.set(def.name, bucket);
    }
    return bucket as Promise<TypedKv<B>>;
  }

  /** Leases with owner and expiry on a bucket of lease values (Vigil's `leases` bucket by default). */
  async leases(def: typeof kvBuckets.leases = kvBuckets.leases): Promise<Leases> {
    return new Leases(await this.kv(def), this.opts.log, this.metrics);
  }

  /** Side effects once per message id (what `ctx.once` in handlers uses). */
  idempotency(): Promise<Idempotency> {
    if (!this.idempotencyPromise) {
      const opening = Promise.all([this.kv(kvBuckets.processed), this.leases()]).then(
        ([markers, leases]) => new Idempotency(markers, leases, this.opts.log, this.metrics),
      );
      opening.catch(() => (this.idempotencyPromise = undefined)); // tried again next time
      this.idempotencyPromise = opening;
    }
    return this.idempotencyPromise;
  }

  /** Delayed work of one task kind: schedule typed payloads for later, consume them when due. */
  delayed<D extends DelayedTaskDefinition>(def: D): DelayedQueue<D> {
    return new DelayedQueue(def, {
      ...this.consumerDeps(),
      register: (runner) => void this.consumers.push(runner),
      restoreStream: (stream) => this.restoreStream(stream),
    });
  }

  /** Validates against the topic schema (unless skipSchemaCheck), derives the subject, and publishes with `Nats-Msg-Id` = message id. */
  async publish<T extends Topic>(topic: T, message: MessageOf<T>, options: BusPublishOptions = {}): Promise<PubAck> {
    try {
      return await this.publisher.publish(...this.item(topic, message, options));
    } catch (err) {
      if (err instanceof BusUnavailableError && err.reason === "no_stream") this.restoreStream(topic.stream);
      throw err;
    }
  }

  /**
   * `publish` for many messages of one topic, in order, with one promise: each message's outcome is at its
   * index, a PubAck or the error (an invalid message gets InvalidMessageError and is not sent).
   */
  async publishMany<T extends Topic>(
    topic: T,
    messages: readonly MessageOf<T>[],
    options: BusPublishOptions = {},
  ): Promise<Array<PubAck | Error>> {
    const results = new Array<PubAck | Error>(messages.length);
    const items: PublishItem[] = [];
    const at: number[] = [];
    messages.forEach((message, i) => {
      try {
        const [subject, data, opts] = this.item(topic, message, options);
        items.push({ subject, data, options: opts });
        at.push(i);
      } catch (err) {
        results[i] = err as Error;
      }
    });
    const outcomes = await this.publisher.publishMany(items);
    outcomes.forEach((outcome, k) => (results[at[k]!] = outcome));
    if (outcomes.some((o) => o instanceof BusUnavailableError && o.reason === "no_stream")) this.restoreStream(topic.stream);
    return results;
  }

  /** Schema check, subject, `Nats-Msg-Id` = message id and the correlation header: what every publish sends. */
  private item<T extends Topic>(topic: T, message: MessageOf<T>, options: BusPublishOptions): [string, Uint8Array, PublishOptions] {
    const { value, data } = encodeMessage(topic.schema, message, !options.skipSchemaCheck);
    const meta = value as { id: string; correlationId: string };
    const headers = options.headers
      ? { [CORRELATION_HEADER]: meta.correlationId, ...options.headers }
      : { [CORRELATION_HEADER]: meta.correlationId };
    return [
      topic.subjectOf(value),
      data,
      options.timeoutMs === undefined ? { msgId: meta.id, headers } : { msgId: meta.id, headers, timeoutMs: options.timeoutMs },
    ];
  }

  /** A stream deleted under a running service is re-created (at most every 5s), so callers' retries succeed. */
  private restoreStream(def: StreamDefinition): void {
    const last = this.restoredAt.get(def.name) ?? 0;
    if (Date.now() - last < 5000) return;
    this.restoredAt.set(def.name, Date.now());
    this.opts.log.warn({ stream: def.name }, "stream missing; re-creating it");
    ensureStream(this.jsm, def, this.opts.log, this.opts.streamReplicas ?? 1).catch((err: unknown) =>
      this.opts.log.error({ err, stream: def.name }, "could not re-create the stream"),
    );
  }

  /** Provisions the durable consumer (created from now by default, see ConsumerSpec.deliverPolicy) and starts handling messages. */
  async consume<T extends Topic>(spec: ConsumerSpec<T>): Promise<ConsumerRunner<T>> {
    const runner = new ConsumerRunner(spec, this.consumerDeps());
    await runner.start();
    this.consumers.push(runner);
    return runner;
  }

  /** Each consumer: pulling (ok), or why not (its stream or durable is being re-created, stopped). */
  consumersHealth(): ConsumerHealth[] {
    return this.consumers.map((c) => c.health());
  }

  private consumerDeps(): ConsumerDeps {
    return {
      js: this.js,
      jsm: this.jsm,
      publisher: this.publisher,
      metrics: this.metrics,
      log: this.opts.log,
      termWithReason: this.supports("2.11.0"),
      flush: () => this.nc.flush(),
      replicas: this.opts.streamReplicas ?? 1,
      recovery: { ...defaultRecovery, ...this.opts.consumerRecovery },
      once: async (scope, effect) => (await this.idempotency()).once(scope, effect),
    };
  }

  /** A JetStream round trip within `timeoutMs`: the readiness check. */
  async ping(timeoutMs = 2000): Promise<boolean> {
    if (!this.connected) return false;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((r) => (timer = setTimeout(() => r(false), timeoutMs)));
    try {
      return await Promise.race([this.jsm.getAccountInfo().then(() => true as const), timeout]);
    } catch {
      return false;
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Consumers stop pulling and their in-flight handlers finish (given up on at the deadline): the first
   * step of a graceful stop, before resources those handlers use are closed. Idempotent.
   */
  async stopConsumers(deadlineMs = 10_000): Promise<void> {
    await Promise.all(this.consumers.map((c) => c.stop(deadlineMs)));
  }

  /** Graceful stop: consumers finish in-flight work, pending publishes get their acks, then the connection drains. */
  async drain(deadlineMs = 10_000): Promise<void> {
    const until = Date.now() + deadlineMs;
    await this.stopConsumers(deadlineMs);
    await this.publisher.close(Math.max(0, until - Date.now()));
    if (!this.nc.isClosed()) await this.nc.drain().catch(() => this.nc.close());
    this.metrics.connected.set(0);
  }

  private async watchStatus(): Promise<void> {
    const log = this.opts.log;
    for await (const s of this.nc.status()) {
      switch (s.type) {
        case "disconnect":
          this.connectedFlag = false;
          this.metrics.connected.set(0);
          this.publisher.setAvailable(false);
          log.warn({ server: s.server }, "disconnected from NATS; reconnecting");
          break;
        case "reconnect":
          this.connectedFlag = true;
          this.metrics.connected.set(1);
          this.publisher.setAvailable(true);
          log.info({ server: s.server }, "reconnected to NATS");
          break;
        case "error":
          log.error({ err: s.error }, "NATS connection error");
          break;
        default:
          break;
      }
    }
  }
}

// A small KernelEventIngest client, for tests, the bench and as the reference a tracer in another language
// copies: Publish for one event, Send for a stream, SendBatches for a stream of batches, the bearer token as
// call metadata.
import { once } from "node:events";
import {
  credentials,
  Metadata,
  type CallOptions,
  type ChannelOptions,
  type ClientWritableStream,
  type requestCallback,
} from "@grpc/grpc-js";
import { loadIngestProto, type KernelEventIngestClient } from "./proto.js";
import type { Ack, Event, EventBatch } from "./types.js";

export interface IngestClientOptions {
  /** `host:port`, `unix:/path/to.sock` or `unix:///path/to.sock`. */
  target: string;
  /** Sent as `authorization: Bearer <token>`. */
  token?: string;
  /** Deadline of each Publish call, ms. Default 10 s. Send has none unless given per call (streams may be long). */
  publishTimeoutMs?: number;
  /** grpc-js channel options, over CHANNEL_DEFAULTS. */
  channelOptions?: ChannelOptions;
}

/**
 * grpc-js keeps every written message of a call in a retry buffer until the call commits, and trims that
 * buffer with an array copy per message: with the default 256 KiB per call, a stream of small events spends
 * most of its time there (about 30k events/s here, against 40-60k with these). Retrying is the caller's
 * business anyway: a stream is resent whole, with event_ids.
 */
export const CHANNEL_DEFAULTS: ChannelOptions = { "grpc.enable_retries": 0, "grpc.per_rpc_retry_buffer_size": 64 * 1024 };

type Callback = requestCallback<Ack>;

export interface StreamOptions {
  /** Deadline of the whole call, ms from now. Default none: a tracer's stream may last as long as it runs. */
  deadlineMs?: number;
}

/** Calls reject with the grpc-js ServiceError (`code` is a grpc status number, `details` the server's text). */
export class IngestClient {
  private readonly stub: KernelEventIngestClient;
  private readonly publishTimeoutMs: number;
  private readonly token: string | undefined;

  constructor(options: IngestClientOptions) {
    const { KernelEventIngest } = loadIngestProto();
    this.stub = new KernelEventIngest(options.target, credentials.createInsecure(), { ...CHANNEL_DEFAULTS, ...options.channelOptions });
    this.publishTimeoutMs = options.publishTimeoutMs ?? 10_000;
    this.token = options.token;
  }

  publish(event: Event): Promise<Ack> {
    return new Promise<Ack>((resolve, reject) => {
      this.stub.Publish(event, this.metadata(), { deadline: Date.now() + this.publishTimeoutMs }, (err, ack) =>
        err ? reject(err) : resolve(ack as Ack),
      );
    });
  }

  /**
   * Streams the events and resolves with the server's Ack once they are all handled. Writing waits for the
   * stream to drain, so an iterable that generates events never runs far ahead of the server. If the server
   * ends the call early (UNAVAILABLE, UNAUTHENTICATED), iteration stops and the call's error is thrown; if
   * the iterable throws, the call is cancelled and that error is thrown.
   */
  send(events: Iterable<Event> | AsyncIterable<Event>, options: StreamOptions = {}): Promise<Ack> {
    return this.stream(
      (md, opts, cb) => this.stub.Send(md, opts, cb),
      events,
      (event) => event,
      options,
    );
  }

  /**
   * `send` with each array of events as one message (SendBatches): for high event rates, where a message per
   * event costs both ends more than the events do. Keep each array well under the server's message limit
   * (1 MiB by default: about a thousand typical events). Ack error indexes count events, not arrays.
   */
  sendBatches(batches: Iterable<Event[]> | AsyncIterable<Event[]>, options: StreamOptions = {}): Promise<Ack> {
    return this.stream(
      (md, opts, cb) => this.stub.SendBatches(md, opts, cb),
      batches,
      (events): EventBatch => ({ events }),
      options,
    );
  }

  private async stream<T, M>(
    open: (md: Metadata, options: CallOptions, cb: Callback) => ClientWritableStream<M>,
    items: Iterable<T> | AsyncIterable<T>,
    toMessage: (item: T) => M,
    options: StreamOptions,
  ): Promise<Ack> {
    let settled = false;
    let call!: ClientWritableStream<M>;
    const result = new Promise<Ack>((resolve, reject) => {
      const callOptions: CallOptions = options.deadlineMs ? { deadline: Date.now() + options.deadlineMs } : {};
      call = open(this.metadata(), callOptions, (err, ack) => {
        settled = true;
        if (err) reject(err);
        else resolve(ack as Ack);
      });
    });
    // The callback may fire while we still write; the rejection is returned below, so it is never unhandled.
    const over = result.then(noop, noop);
    try {
      for await (const item of items) {
        if (settled) break;
        if (!call.write(toMessage(item))) {
          // Either drained, or the call is over (its status arrives through the callback).
          await Promise.race([once(call, "drain").catch(noop), over]);
        }
      }
    } catch (err) {
      // The producer failed: cancel rather than end, so the server does not answer for a partial stream as if
      // it were complete. It may still have handed on what it received: resend with event_ids.
      call.cancel();
      throw err;
    }
    if (!settled) call.end();
    return result;
  }

  close(): void {
    this.stub.close();
  }

  private metadata(): Metadata {
    const md = new Metadata();
    if (this.token) md.set("authorization", `Bearer ${this.token}`);
    return md;
  }
}

function noop(): void {}

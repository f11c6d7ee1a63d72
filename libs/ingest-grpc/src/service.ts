// The KernelEventIngest implementation: auth, conversion to HTTP inputs, batching, and the mapping of handler
// outcomes to gRPC status. Validation and storage are the handler's (ebpf-ingest's), shared with HTTP.
import { Metadata, status, type sendUnaryData, type ServerReadableStream, type ServerUnaryCall, type ServiceError } from "@grpc/grpc-js";
import { bearerCheck, type IngestAuth } from "./auth.js";
import { StreamBatcher, type BatchOptions } from "./batcher.js";
import { eventToInput } from "./convert.js";
import type { IngestContext, IngestHandler, IngestLog } from "./handler.js";
import { loadIngestProto, type KernelEventIngestDefinition, type KernelEventIngestHandlers } from "./proto.js";
import type { Ack, Event__Output, EventBatch__Output } from "./types.js";

export interface IngestServiceOptions {
  /** Require `authorization: Bearer <token>` metadata. */
  auth?: IngestAuth;
  /** How Send groups events into handler calls. */
  batch?: BatchOptions;
  log?: IngestLog;
}

export interface IngestGrpcService {
  definition: KernelEventIngestDefinition;
  implementation: KernelEventIngestHandlers;
}

/** For `server.addService(s.definition, s.implementation)` on a grpc-js Server of your own. */
export function ingestGrpcService(handler: IngestHandler, options: IngestServiceOptions = {}): IngestGrpcService {
  const checkAuth = bearerCheck(options.auth);
  const log = options.log;

  function Publish(call: ServerUnaryCall<Event__Output, Ack>, callback: sendUnaryData<Ack>): void {
    const denied = checkAuth(call.metadata);
    if (denied) return callback(denied);
    const ctx: IngestContext = { transport: "grpc", peer: call.getPeer() };
    Promise.resolve()
      .then(() => handler([eventToInput(call.request)], ctx))
      .then(
        (r) => callback(null, { accepted: r.accepted, duplicates: r.duplicates, rejected: r.rejected.length, errors: r.rejected }),
        (err: unknown) => {
          log?.warn({ err, peer: ctx.peer }, "grpc Publish: handler failed");
          callback(unavailable(err, 0));
        },
      );
  }

  /** Send and SendBatches: one stream handling, fed by `take`, which hands a message's events to the batcher. */
  const streamCall =
    <M>(name: string, take: (batcher: StreamBatcher, message: M) => Promise<void> | undefined) =>
    (call: ServerReadableStream<M, Ack>, callback: sendUnaryData<Ack>): void => {
      const denied = checkAuth(call.metadata);
      if (denied) return callback(denied);
      const ctx: IngestContext = { transport: "grpc", peer: call.getPeer() };
      let done = false;
      const finish = (err: ServiceError | null, ack?: Ack): void => {
        if (done) return;
        done = true;
        call.removeListener("data", onData);
        callback(err, ack);
      };
      const batcher = new StreamBatcher(
        (batch) => handler(batch, ctx),
        (err) => {
          log?.warn(
            { err, peer: ctx.peer, received: batcher.received, settled: batcher.settled },
            `grpc ${name}: handler failed; failing the stream`,
          );
          // Answer now rather than at the end of a stream that may last for hours. grpc-js ends the call,
          // which tells the client to stop writing; what it still sends is discarded.
          finish(unavailable(err, batcher.settled));
        },
        options.batch,
      );
      const onData = (message: M): void => {
        const wait = take(batcher, message);
        if (!wait) return;
        call.pause();
        void wait.then(() => {
          if (!done) call.resume();
        });
      };
      call.on("data", onData);
      // A client's cancel (RST_STREAM) also ends the request stream, and grpc-js may report the end first (the
      // cancellation comes up to tens of ms later): so the tail of a cancelled stream may still be handed on.
      // Delivery is at least once either way; event_ids make the client's resend count as duplicates.
      call.on("end", () => {
        batcher.end().then(
          (ack) => finish(null, ack),
          // Already answered by the failure callback; finish() ignores the second answer.
          (err: unknown) => finish(unavailable(err, batcher.settled)),
        );
      });
      call.on("cancelled", () => {
        log?.debug({ peer: ctx.peer, received: batcher.received, settled: batcher.settled }, `grpc ${name}: client cancelled the stream`);
        done = true;
        batcher.abort();
      });
      // A stream error (e.g. a message over the size limit) has already been answered with its own status.
      call.on("error", (err) => {
        log?.debug({ err, peer: ctx.peer }, `grpc ${name}: stream error`);
        done = true;
        batcher.abort();
      });
    };

  const Send = streamCall<Event__Output>("Send", (batcher, event) => batcher.push(eventToInput(event)));
  const SendBatches = streamCall<EventBatch__Output>("SendBatches", (batcher, batch) => {
    let wait: Promise<void> | undefined;
    // A message is bounded by the size limit, so taking all of it before pausing is bounded too.
    for (const event of batch.events ?? []) wait = batcher.push(eventToInput(event)) ?? wait;
    return wait;
  });

  return { definition: loadIngestProto().kernelEventIngest, implementation: { Send, SendBatches, Publish } };
}

/** UNAVAILABLE tells clients (and gRPC retry policies) that trying again later is right. */
function unavailable(err: unknown, settled: number): ServiceError {
  const reason = err instanceof Error ? err.message : String(err);
  const before =
    settled > 0
      ? `; ${settled} earlier events of this call were already handled (resend with event_id set and they count as duplicates)`
      : "";
  const details = `ingest unavailable: ${reason}${before}`;
  return Object.assign(new Error(details), { code: status.UNAVAILABLE, details, metadata: new Metadata() });
}

// The one path every event takes, whatever brought it (HTTP, gRPC, a tracer, the cgroup poller): validate,
// place it (node, pod, container, OOM scope), derive its id, publish to vigil.events.kernel.<node>.<type>.
// A bad event is reported by its index and never holds up the good ones; if JetStream is unreachable the
// caller gets IngestUnavailableError and may retry the whole batch: ids make the retry count once.
import { type Bus, errorMessage, isUnavailable } from "@vigil/bus";
import { type KernelEventMessage, topics } from "@vigil/contracts";
import { registerErrorClass, UnavailableError } from "@vigil/errors";
import type { Logger } from "pino";
import { type EventInput, parseEventInput } from "./event-input.js";
import { eventId } from "./event-id.js";
import { eventTimeIso } from "./event-time.js";
import type { IngestMetrics } from "./metrics.js";
import { type Placement, toMessage } from "./to-message.js";

export type Transport = "http" | "grpc" | "bpftrace" | "cgroup";

export interface IngestResult {
  /** Stored for the first time. */
  accepted: number;
  /** Already stored (a retry): not counted twice. */
  duplicates: number;
  rejected: Array<{ index: number; message: string }>;
}

/** JetStream could not store some valid events; nothing was lost that a retry will not bring. */
export class IngestUnavailableError extends UnavailableError {
  constructor(
    message: string,
    readonly result: IngestResult & { unavailable: number[] },
  ) {
    // The HTTP answer is a 503 with Retry-After: 5 and the partial result as details.
    super(message, { details: result, retryAfterMs: 5000 });
  }
}
registerErrorClass(IngestUnavailableError, "IngestUnavailableError");

export type Placer = (input: EventInput, node: string) => Placement;

export interface IngestorOptions {
  bus: Bus;
  node: string;
  allowUnknownTypes: boolean;
  place?: Placer;
  metrics: IngestMetrics;
  log: Logger;
}

const SOURCE: Record<Transport, KernelEventMessage["source"]> = { http: "http", grpc: "grpc", bpftrace: "bpftrace", cgroup: "cgroup" };

export class Ingestor {
  constructor(private readonly o: IngestorOptions) {}

  async ingest(raws: readonly unknown[], transport: Transport): Promise<IngestResult> {
    const { metrics } = this.o;
    metrics.received.inc({ transport }, raws.length);
    metrics.batchSize.observe({ transport }, raws.length);
    const result: IngestResult = { accepted: 0, duplicates: 0, rejected: [] };
    const messages: Array<{ index: number; message: KernelEventMessage }> = [];
    const now = Date.now();
    raws.forEach((raw, index) => {
      const made = this.build(raw, transport, now);
      if ("error" in made) result.rejected.push({ index, message: made.error });
      else messages.push({ index, message: made.message });
    });
    if (result.rejected.length) {
      metrics.rejected.inc({ transport }, result.rejected.length);
      this.o.log.debug({ transport, rejected: result.rejected.slice(0, 5) }, "events rejected");
    }
    if (messages.length === 0) return result;

    const end = metrics.publishSeconds.startTimer();
    // Built by toMessage from validated input (the tests read every stored event back through the schema).
    const acks = await this.o.bus.publishMany(
      topics.kernelEvents,
      messages.map((m) => m.message),
      { skipSchemaCheck: true },
    );
    end();
    const unavailable: number[] = [];
    // Counted per batch, not per event: a labelled counter increment costs about a microsecond.
    const acceptedBy = new Map<string, { type: string; source: string; n: number }>();
    const duplicatesBy = new Map<string, number>();
    acks.forEach((ack, i) => {
      const { index, message } = messages[i]!;
      if (ack instanceof Error) {
        if (isUnavailable(ack)) unavailable.push(index);
        else result.rejected.push({ index, message: `not stored: ${errorMessage(ack)}` });
      } else if (ack.duplicate) {
        result.duplicates++;
        duplicatesBy.set(message.type, (duplicatesBy.get(message.type) ?? 0) + 1);
      } else {
        result.accepted++;
        const key = `${message.type}\0${message.source}`;
        const c = acceptedBy.get(key);
        if (c) c.n++;
        else acceptedBy.set(key, { type: message.type, source: message.source, n: 1 });
      }
    });
    for (const { type, source, n } of acceptedBy.values()) metrics.accepted.inc({ type, source }, n);
    for (const [type, n] of duplicatesBy) metrics.duplicates.inc({ type }, n);
    if (unavailable.length) {
      throw new IngestUnavailableError(
        `JetStream is unreachable: ${unavailable.length} of ${raws.length} events not stored yet; retry (stored ones count once)`,
        { ...result, unavailable },
      );
    }
    return result;
  }

  private build(raw: unknown, transport: Transport, now: number): { message: KernelEventMessage } | { error: string } {
    const input = parseEventInput(raw, this.o.allowUnknownTypes);
    if ("error" in input) return input;
    const e = input.event as Record<string, unknown>;
    const time = eventTimeIso(e.ts as string | number | undefined, now);
    if ("error" in time) return time;
    const node = (e.node as string | undefined) ?? this.o.node;
    const placement = this.o.place?.(input, node) ?? {};
    return {
      message: toMessage(
        input,
        { id: eventId(node, raw as Record<string, unknown>), node, observedAt: time.iso, source: SOURCE[transport] },
        placement,
      ),
    };
  }
}

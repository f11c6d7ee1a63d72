import type { JsMsg } from "@nats-io/jetstream";
import { type DeadLetterMessage, deterministicId, topics } from "@vigil/contracts";
import type { Logger } from "pino";
import { encodeMessage, payloadText } from "./codec.js";
import type { BusMetrics } from "./metrics.js";
import type { JetStreamPublisher } from "./publisher.js";

export type DeadLetterReason = DeadLetterMessage["reason"];

export const CORRELATION_HEADER = "Vigil-Correlation-Id";

/**
 * The dead-letter record for a message: the original payload, subject, headers and delivery count, and
 * why it was given up. Its id is derived from stream and sequence, so a retried dead-lettering is deduped.
 */
export function buildDeadLetter(
  msg: JsMsg,
  consumer: string,
  reason: DeadLetterReason,
  error: string,
  correlationId?: string,
  /** Attempts as the consumer counts them, when not the server's delivery count (delayed tasks). */
  deliveryCount = msg.info.deliveryCount,
): DeadLetterMessage {
  const headers: Record<string, string[]> = {};
  if (msg.headers) for (const [k, v] of msg.headers) headers[k] = v;
  const id = deterministicId("dlq", msg.info.stream, String(msg.info.streamSequence), consumer);
  return {
    id,
    correlationId: correlationId || msg.headers?.get(CORRELATION_HEADER) || id,
    consumer,
    stream: msg.info.stream,
    subject: msg.subject,
    streamSequence: msg.info.streamSequence,
    deliveryCount,
    reason,
    error,
    ...payloadText(msg.data),
    headers,
    deadLetteredAt: new Date().toISOString(),
  };
}

export interface DeadLetterDeps {
  publisher: JetStreamPublisher;
  metrics: BusMetrics;
  /** term(reason) needs nats-server 2.11; older servers get a plain term. */
  termWithReason: boolean;
}

/**
 * Records the message on `vigil.dlq.<consumer>`, then terms it. When the record cannot be published the
 * message is nak'd instead: it comes back and dead-lettering is tried again, so nothing is lost unrecorded.
 */
export async function deadLetter(
  deps: DeadLetterDeps,
  msg: JsMsg,
  consumer: string,
  what: { reason: DeadLetterReason; error: string; correlationId?: string | undefined; deliveryCount?: number },
  log: Logger,
): Promise<void> {
  const record = buildDeadLetter(msg, consumer, what.reason, what.error, what.correlationId, what.deliveryCount);
  try {
    const { value, data } = encodeMessage(topics.deadLetters.schema, record);
    await deps.publisher.publish(topics.deadLetters.subjectOf(value), data, { msgId: value.id });
  } catch (err) {
    log.error({ err, reason: what.reason }, "dead-lettering failed; message will be redelivered");
    msg.nak(5000);
    deps.metrics.nacked.inc({ consumer });
    return;
  }
  if (deps.termWithReason) msg.term(`${what.reason}: ${what.error}`.slice(0, 200));
  else msg.term();
  deps.metrics.deadLettered.inc({ consumer, reason: what.reason });
  log.error({ reason: what.reason, error: what.error, dlq: topics.deadLetters.subjectOf(record) }, "message dead-lettered");
}

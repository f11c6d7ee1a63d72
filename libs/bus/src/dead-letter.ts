import type { JsMsg } from "@nats-io/jetstream";
import { type DeadLetterMessage, deterministicId } from "@vigil/contracts";
import { payloadText } from "./codec.js";

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
    deliveryCount: msg.info.deliveryCount,
    reason,
    error,
    ...payloadText(msg.data),
    headers,
    deadLetteredAt: new Date().toISOString(),
  };
}

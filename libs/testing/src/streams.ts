// Reading back what a test published: every message of a JetStream stream, by sequence, straight from the
// stream (no consumer, so reading changes nothing the code under test sees).
import type { JetStreamManager } from "@nats-io/jetstream";

export interface StoredMessage<T> {
  seq: number;
  subject: string;
  /** The Nats-Msg-Id header ("" when the publisher set none). */
  msgId: string;
  message: T;
}

export interface ReadStreamOptions<T> {
  /** Validates and types each payload (a topic schema's `parse`); without it the JSON is returned as is. */
  parse?: (json: unknown) => T;
  /** Keeps only messages on this subject. */
  subject?: string;
}

/** Every message in `stream`, oldest first; a stream that does not exist yet reads as empty. */
export async function readStream<T = unknown>(
  jsm: JetStreamManager,
  stream: string,
  opts: ReadStreamOptions<T> = {},
): Promise<StoredMessage<T>[]> {
  const info = await jsm.streams.info(stream).catch(() => undefined);
  const out: StoredMessage<T>[] = [];
  if (!info || info.state.messages === 0) return out;
  for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq++) {
    // A gap (a message deleted or expired since info) is skipped, not an error.
    const m = await jsm.streams.getMessage(stream, { seq }).catch(() => null);
    if (!m || (opts.subject !== undefined && m.subject !== opts.subject)) continue;
    const json: unknown = m.json();
    out.push({ seq, subject: m.subject, msgId: m.header.get("Nats-Msg-Id"), message: opts.parse ? opts.parse(json) : (json as T) });
  }
  return out;
}

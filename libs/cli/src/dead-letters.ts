// The dead-letter queue as the CLI reads and replays it. A dead letter (`vigil.dlq.<consumer>` in VIGIL_DLQ, see
// @vigil/contracts dead-letter.ts) carries the original payload, subject, stream, headers and the reason.
//
// Replay republishes the original payload to its original subject with its original headers, then deletes the dead
// letter. Two ids matter:
// - the JetStream message id (Nats-Msg-Id) cannot be the original one: inside the stream's duplicate window
//   (2 h to a day) JetStream would drop it as a duplicate and nothing would be redelivered. The replay's is
//   `replay:<dead-letter id>`, deterministic, so replaying the same dead letter twice (a crash between publish and
//   delete, two operators at once) stores it once;
// - the message's own `id` (in the payload) is unchanged, and that is what consumers dedupe their effects on
//   (`ctx.once`, keyed by consumer and message id; the executor's row per proposal id). Every durable on the subject
//   receives the replay, not only the one that gave up: the others already handled that id and skip it.
import { DeliverPolicy } from "@nats-io/jetstream";
import { headers as natsHeaders } from "@nats-io/transport-node";
import { type DeadLetterMessage, deadLetterMessage, streams, subjects } from "@vigil/contracts";
import { NotFoundError } from "@vigil/errors";
import type { NatsHandle } from "./nats.js";

export const DLQ_STREAM = streams.deadLetters.name;

export interface StoredDeadLetter {
  /** Sequence in VIGIL_DLQ: what `vigil dlq replay` takes. */
  seq: number;
  subject: string;
  /** When JetStream stored it. */
  storedAt: string;
  letter?: DeadLetterMessage;
  /** Why the record itself could not be read (not a dead-letter message). */
  invalid?: string;
}

export interface ReplayOutcome {
  seq: number;
  ok: boolean;
  consumer?: string;
  subject?: string;
  /** Where the replay was stored. */
  stream?: string;
  streamSequence?: number;
  /** JetStream had already stored this replay (replayed before): not stored twice. */
  duplicate?: boolean;
  /** Other durables on that stream whose filter matches the subject: they get the message again and skip it by its id. */
  alsoDeliveredTo?: string[];
  warning?: string;
  error?: string;
}

function read(seq: number, subject: string, time: string, json: () => unknown): StoredDeadLetter {
  const storedAt = new Date(time).toISOString();
  try {
    const parsed = deadLetterMessage.safeParse(json());
    return parsed.success
      ? { seq, subject, storedAt, letter: parsed.data }
      : { seq, subject, storedAt, invalid: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ") };
  } catch (err) {
    return { seq, subject, storedAt, invalid: `not JSON: ${err instanceof Error ? err.message : String(err)}` };
  }
}

/** Every dead letter (of one consumer, when given), oldest first, read with an ordered consumer (nothing acknowledged). */
export async function readDeadLetters(nats: NatsHandle, consumer?: string): Promise<StoredDeadLetter[]> {
  const filter = consumer ? subjects.deadLetter(consumer) : "vigil.dlq.>";
  const info = await nats.jsm.streams.info(DLQ_STREAM, { subjects_filter: filter }).catch(() => undefined);
  const count = Object.values(info?.state.subjects ?? {}).reduce((a, b) => a + b, 0);
  if (!info || count === 0) return [];
  const reader = await nats.js.consumers.get(DLQ_STREAM, { filter_subjects: filter, deliver_policy: DeliverPolicy.All });
  const out: StoredDeadLetter[] = [];
  const batch = await reader.fetch({ max_messages: count, expires: 5_000 });
  for await (const m of batch) {
    out.push(read(m.seq, m.subject, m.time.toISOString(), () => m.json()));
    if (m.info.pending === 0) break;
  }
  return out;
}

/** One dead letter by its VIGIL_DLQ sequence. */
export async function getDeadLetter(nats: NatsHandle, seq: number): Promise<StoredDeadLetter> {
  const m = await nats.jsm.streams.getMessage(DLQ_STREAM, { seq }).catch(() => null);
  if (!m) throw new NotFoundError(`no dead letter at ${DLQ_STREAM} sequence ${seq} (replayed or expired already?)`);
  return read(m.seq, m.subject, m.time.toISOString(), () => m.json());
}

/** NATS subject matching with `*` and `>` wildcards. */
export function subjectMatches(filter: string, subject: string): boolean {
  const f = filter.split(".");
  const s = subject.split(".");
  for (let i = 0; i < f.length; i++) {
    if (f[i] === ">") return s.length > i;
    if (i >= s.length || (f[i] !== "*" && f[i] !== s[i])) return false;
  }
  return f.length === s.length;
}

async function otherConsumers(nats: NatsHandle, letter: DeadLetterMessage): Promise<string[]> {
  const names: string[] = [];
  try {
    for await (const c of nats.jsm.consumers.list(letter.stream)) {
      const filters = [c.config.filter_subject, ...(c.config.filter_subjects ?? [])].filter((f): f is string => !!f);
      const matches = filters.length === 0 || filters.some((f) => subjectMatches(f, letter.subject));
      if (c.config.durable_name && c.name !== letter.consumer && matches) names.push(c.name);
    }
  } catch {
    // Only informative: the replay does not depend on it.
  }
  return names.sort();
}

/** Republishes one dead letter's original message, then removes it from the DLQ. Never throws: the outcome says. */
export async function replayDeadLetter(nats: NatsHandle, seq: number): Promise<ReplayOutcome> {
  let stored: StoredDeadLetter;
  try {
    stored = await getDeadLetter(nats, seq);
  } catch (err) {
    return { seq, ok: false, error: err instanceof Error ? err.message : String(err) };
  }
  const letter = stored.letter;
  if (!letter) return { seq, ok: false, subject: stored.subject, error: `not a readable dead letter (${stored.invalid}); left in place` };
  const base = { seq, consumer: letter.consumer, subject: letter.subject };
  try {
    const hdrs = natsHeaders();
    // The original headers (correlation id, delayed-task due time...) but not the NATS ones: the message id is
    // replaced (see above) and expectations (Nats-Expected-*) held for the first publish only.
    for (const [name, values] of Object.entries(letter.headers)) {
      if (name.toLowerCase().startsWith("nats-")) continue;
      for (const value of values) hdrs.append(name, value);
    }
    hdrs.set("Vigil-Replay-Of", `${DLQ_STREAM}/${seq}`);
    const data = letter.payloadEncoding === "base64" ? Buffer.from(letter.payload, "base64") : Buffer.from(letter.payload, "utf8");
    const ack = await nats.js.publish(letter.subject, data, { msgID: `replay:${letter.id}`, headers: hdrs });
    await nats.jsm.streams.deleteMessage(DLQ_STREAM, seq, false);
    return {
      ...base,
      ok: true,
      stream: ack.stream,
      streamSequence: ack.seq,
      duplicate: ack.duplicate,
      alsoDeliveredTo: await otherConsumers(nats, letter),
      ...(letter.reason === "invalid_message"
        ? { warning: `it was dead-lettered as invalid (${letter.error}): unless ${letter.consumer} now accepts it, it comes back` }
        : {}),
    };
  } catch (err) {
    return { ...base, ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}

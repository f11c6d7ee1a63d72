// Keeps a diagnostics bundle under a size budget (it is stored in the execution record and published): logs are
// cut first, keeping each log's newest lines and sharing the room fairly (short logs stay whole), then events;
// every cut is noted in the bundle, so a reader knows what is missing.
import type { EventSummary, LogEntry } from "./diagnostics-reads.js";

export const DIAGNOSTICS_MAX_BYTES = 256 * 1024;
/** Room kept for the notes the trimming adds. */
const NOTES_ROOM = 4 * 1024;
const EVENTS_KEPT_WHEN_TRIMMED = 10;

const size = (o: unknown): number => Buffer.byteLength(JSON.stringify(o));

/** Keeps the last `bytes` of a text, from a line start when there is one nearby. */
function tail(text: string, bytes: number): string {
  const buf = Buffer.from(text);
  if (buf.length <= bytes) return text;
  const cut = buf.subarray(buf.length - bytes).toString();
  const nl = cut.indexOf("\n");
  return nl >= 0 && nl < 200 ? cut.slice(nl + 1) : cut;
}

/**
 * Trims `bundle` in place until its JSON fits `maxBytes`. `logs` and `events` are the arrays inside it that may be cut.
 * Returns the notes of what was cut (also pushed to `notes`).
 */
export function fitDiagnostics(
  bundle: object,
  logs: LogEntry[],
  events: EventSummary[][],
  notes: string[],
  maxBytes = DIAGNOSTICS_MAX_BYTES,
): string[] {
  const limit = maxBytes - NOTES_ROOM;
  if (size(bundle) <= limit) return notes;
  const texts = logs.filter((l) => l.text);
  const full = new Map(texts.map((l) => [l, l.text!]));
  for (const l of texts) l.text = "";
  const room = Math.max(0, limit - size(bundle));
  // Water-filling: each log gets an equal share of what is left; a log shorter than its share keeps it all.
  let left = room;
  const bySize = [...texts].sort((a, b) => Buffer.byteLength(full.get(a)!) - Buffer.byteLength(full.get(b)!));
  bySize.forEach((l, i) => {
    // JSON escaping can grow a text: a tenth is kept aside for it.
    const share = Math.floor(left / (bySize.length - i));
    const text = full.get(l)!;
    const bytes = Buffer.byteLength(text);
    if (bytes * 1.1 <= share) {
      l.text = text;
      left -= Math.ceil(bytes * 1.1);
      return;
    }
    l.text = tail(text, Math.floor(share / 1.1));
    left -= share;
    const why = `cut from ${bytes} to ${Buffer.byteLength(l.text)} bytes (newest lines kept) to fit the ${maxBytes}-byte diagnostics budget`;
    l.truncated = l.truncated ? `${l.truncated}; ${why}` : why;
    notes.push(`logs of ${l.pod}/${l.container} (${l.instance}): ${why}`);
  });
  if (size(bundle) <= limit) return notes;
  for (const list of events) {
    if (list.length > EVENTS_KEPT_WHEN_TRIMMED) {
      notes.push(`events: kept the newest ${EVENTS_KEPT_WHEN_TRIMMED} of ${list.length}`);
      list.splice(EVENTS_KEPT_WHEN_TRIMMED);
    }
  }
  if (size(bundle) <= limit) return notes;
  for (const l of logs) {
    if (l.text) {
      l.text = "";
      l.truncated = "dropped to fit the diagnostics budget";
    }
  }
  notes.push("logs: all dropped to fit the diagnostics budget");
  return notes;
}

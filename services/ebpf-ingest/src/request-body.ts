// POST /events bodies: one JSON object, a JSON array, or NDJSON (one object per line, what tracers stream).
// A line that is not JSON is reported at its index like any other bad event; the rest still count.
import { InvalidInputError } from "@vigil/errors";
import { HttpError } from "@vigil/service";

export const NOT_JSON = Symbol("not JSON");
export type ParsedBody = { single: boolean; items: unknown[] };

export function parseEventsBody(text: string, contentType: string, maxEvents: number): ParsedBody {
  const body = text.trim();
  if (body === "") throw new InvalidInputError("empty body: send one JSON event, a JSON array of events, or NDJSON");
  const ndjson = /ndjson|jsonl|json-seq/i.test(contentType);
  if (!ndjson) {
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch (err) {
      // Several objects without NDJSON's Content-Type are still NDJSON: accept them.
      if (!body.includes("\n")) throw new InvalidInputError(`invalid JSON: ${(err as Error).message}`);
      return lines(body, maxEvents);
    }
    if (Array.isArray(json)) {
      if (json.length === 0) throw new InvalidInputError("empty batch: the array holds no events");
      if (json.length > maxEvents)
        throw new HttpError(
          "PAYLOAD_TOO_LARGE",
          `${json.length} events in one request; at most ${maxEvents} (INGEST_MAX_EVENTS_PER_REQUEST)`,
        );
      return { single: false, items: json };
    }
    return { single: true, items: [json] };
  }
  return lines(body, maxEvents);
}

function lines(body: string, maxEvents: number): ParsedBody {
  const items: unknown[] = [];
  for (const line of body.split("\n")) {
    const l = line.trim();
    if (l === "") continue;
    if (items.length >= maxEvents)
      throw new HttpError("PAYLOAD_TOO_LARGE", `more than ${maxEvents} events in one request (INGEST_MAX_EVENTS_PER_REQUEST)`);
    try {
      items.push(JSON.parse(l));
    } catch {
      items.push(NOT_JSON);
    }
  }
  return { single: false, items };
}

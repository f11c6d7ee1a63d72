// bpftrace's `-f json` output: one JSON object per line. Tracers speak through printf records
// ("<kind>\t<key>=<value>\t..."), histograms arrive as `hist` messages; everything else is noise to us.

export interface HistBucket {
  /** Inclusive lower bound; absent for the negative-values bucket. */
  min?: number;
  /** Inclusive upper bound; absent for an open-ended last bucket. */
  max?: number;
  count: number;
}

export type BpftraceMessage =
  | { type: "printf"; data: string }
  | { type: "attached_probes"; probes: number }
  | { type: "hist"; maps: Record<string, HistBucket[]> }
  /** Map dumps, stats, lhist, time, ...: valid output no tracer here relies on. */
  | { type: "other"; kind: string }
  | { type: "invalid"; line: string; error: string };

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function parseBuckets(v: unknown): HistBucket[] | undefined {
  if (!Array.isArray(v)) return undefined;
  const out: HistBucket[] = [];
  for (const b of v) {
    if (!isRecord(b) || typeof b["count"] !== "number") return undefined;
    const bucket: HistBucket = { count: b["count"] };
    if (typeof b["min"] === "number") bucket.min = b["min"];
    if (typeof b["max"] === "number") bucket.max = b["max"];
    out.push(bucket);
  }
  return out;
}

/** Parses one stdout line; undefined for blank lines (bpftrace pads map dumps with them). */
export function parseBpftraceLine(line: string): BpftraceMessage | undefined {
  const trimmed = line.trim();
  if (trimmed === "") return undefined;
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch (error) {
    return { type: "invalid", line: trimmed, error: `not JSON: ${(error as Error).message}` };
  }
  if (!isRecord(value) || typeof value["type"] !== "string") return { type: "invalid", line: trimmed, error: "no type" };
  const data = value["data"];
  switch (value["type"]) {
    case "printf":
      return typeof data === "string" ? { type: "printf", data } : { type: "invalid", line: trimmed, error: "printf without string data" };
    case "attached_probes":
      return isRecord(data) && typeof data["probes"] === "number"
        ? { type: "attached_probes", probes: data["probes"] }
        : { type: "invalid", line: trimmed, error: "attached_probes without a count" };
    case "hist": {
      if (!isRecord(data)) return { type: "invalid", line: trimmed, error: "hist without data" };
      const maps: Record<string, HistBucket[]> = {};
      for (const [name, buckets] of Object.entries(data)) {
        const parsed = parseBuckets(buckets);
        // Keyed histograms (@h[key]) nest one level deeper; no tracer here uses them.
        if (!parsed) return { type: "invalid", line: trimmed, error: `hist ${name} is not a bucket list` };
        maps[name] = parsed;
      }
      return { type: "hist", maps };
    }
    default:
      return { type: "other", kind: value["type"] };
  }
}

export interface BpftraceRecord {
  kind: string;
  fields: Record<string, string>;
}

const FIELD = /^([a-z_][a-z0-9_]*)=/;

/**
 * Splits a printf record "<kind>\tkey=value\t...". A tab inside a value (a comm can hold any byte)
 * shows up as a token without "key=" and is glued back onto the previous value.
 */
export function parseRecord(data: string): BpftraceRecord | undefined {
  const text = data.endsWith("\n") ? data.slice(0, -1) : data;
  const tokens = text.split("\t");
  const kind = tokens[0];
  if (!kind || !/^[a-z_]+$/.test(kind)) return undefined;
  const fields: Record<string, string> = {};
  let last: string | undefined;
  for (const token of tokens.slice(1)) {
    const m = FIELD.exec(token);
    if (m?.[1] !== undefined) {
      last = m[1];
      fields[last] = token.slice(m[0].length);
    } else if (last !== undefined) {
      fields[last] += `\t${token}`;
    } else {
      return undefined;
    }
  }
  return { kind, fields };
}

/** A record field as a non-negative integer (bpftrace prints u64 as decimal). */
export function intField(fields: Record<string, string>, key: string): number | undefined {
  const v = fields[key];
  if (v === undefined || !/^-?\d+$/.test(v)) return undefined;
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : undefined;
}

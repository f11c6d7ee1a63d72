// Time formatting exactly as the API server's printers do it (k8s.io/apimachinery/pkg/util/duration and the
// translateTimestampSince helper of pkg/printers/internalversion), so AGE and friends match a real cluster.

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** duration.HumanDuration: ~2-3 significant figures, e.g. "45s", "3m2s", "2h5m", "3d4h", "50d", "2y10d". */
export function humanDuration(ms: number): string {
  // Go's int() conversions truncate toward zero; Math.trunc mirrors that for the (rare) negative inputs.
  const seconds = Math.trunc(ms / SECOND);
  // Up to one second of clock skew still reads as "now"; more than that is reported as invalid.
  if (seconds < -1) return "<invalid>";
  if (seconds < 0) return "0s";
  if (seconds < 60 * 2) return `${seconds}s`;
  const minutes = Math.trunc(ms / MINUTE);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 60 * 3) return `${minutes}m`;
  const hours = Math.trunc(ms / HOUR);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  const days = Math.trunc(hours / 24);
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${days}d` : `${days}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${days}d`;
  const years = Math.trunc(days / 365);
  if (hours < 24 * 365 * 8) {
    const dy = days % 365;
    return dy === 0 ? `${years}y` : `${years}y${dy}d`;
  }
  return `${years}y`;
}

/** Parses an RFC 3339 timestamp; missing, null or unparsable values are Go's zero time (undefined). */
export function parseTime(value: unknown): number | undefined {
  if (typeof value !== "string" || value === "") return undefined;
  const t = Date.parse(value);
  return Number.isNaN(t) ? undefined : t;
}

/** translateTimestampSince: "<unknown>" for the zero time, otherwise the human duration up to `now`. */
export function since(value: unknown, now: number): string {
  const t = parseTime(value);
  return t === undefined ? "<unknown>" : humanDuration(now - t);
}

/** The default table's "Created At" cell: Go's time.RFC3339 in UTC, whole seconds, zero time when unset. */
export function rfc3339(value: unknown): string {
  const t = parseTime(value);
  if (t === undefined) return "0001-01-01T00:00:00Z";
  return new Date(Math.floor(t / SECOND) * SECOND).toISOString().replace(".000Z", "Z");
}

// Simulated time. Virtual mode only moves when a test advances it (a 10-minute window runs in milliseconds);
// real mode follows the wall clock, for the demo. Both start at the wall-clock time unless a start is pinned, so
// ages that kubectl prints against the machine's clock (describe, events, get) read as they would on a real cluster.
export type ClockMode = "virtual" | "real";

export class SimClock {
  /** Where simulated time began (ms since the epoch). */
  readonly startedAt: number;
  private virtualNow: number;
  /** Real mode with a pinned start: simulated time runs at wall-clock speed from that start. */
  private readonly realOffset: number;

  constructor(
    readonly mode: ClockMode = "virtual",
    // A virtual clock starts on a whole second, so that stepping and the API's second-precision timestamps agree.
    start: number = mode === "virtual" ? Math.floor(Date.now() / 1000) * 1000 : Date.now(),
  ) {
    if (!Number.isFinite(start)) throw new Error("the start time is not a valid date (use ISO 8601, e.g. 2026-01-01T00:00:00Z)");
    this.startedAt = start;
    this.virtualNow = start;
    this.realOffset = start - Date.now();
  }

  now(): number {
    return this.mode === "real" ? Date.now() + this.realOffset : this.virtualNow;
  }

  /** Moves virtual time forward. Real clocks cannot be advanced. */
  set(ms: number): void {
    if (this.mode === "real") throw new Error("the real-time clock cannot be advanced; use a virtual clock");
    if (ms < this.virtualNow) throw new Error("time cannot go backwards");
    this.virtualNow = ms;
  }
}

/** Parses a start time given as ISO 8601 text or ms since the epoch; undefined stays undefined (the wall clock). */
export const parseStartTime = (value: string | number | undefined): number | undefined => {
  if (value === undefined) return undefined;
  const ms = typeof value === "number" ? value : Date.parse(value);
  if (!Number.isFinite(ms)) throw new Error(`invalid start time "${value}": use ISO 8601, e.g. 2026-01-01T00:00:00Z`);
  return ms;
};

/** RFC 3339 with second precision, as the API server writes timestamps. */
export const rfc3339 = (ms: number): string => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");

/** RFC 3339 with microseconds (MicroTime), used by events' eventTime and leases. */
export const microTime = (ms: number): string => new Date(ms).toISOString().replace(/\.(\d{3})Z$/, ".$1000Z");

// Simulated time. Virtual mode only moves when a test advances it (a 10-minute window runs in milliseconds);
// real mode follows the wall clock, for the demo.
export type ClockMode = "virtual" | "real";

export class SimClock {
  private virtualNow: number;

  constructor(
    readonly mode: ClockMode = "virtual",
    start: number = Date.parse("2026-01-01T00:00:00Z"),
  ) {
    this.virtualNow = mode === "virtual" ? start : Date.now();
  }

  now(): number {
    return this.mode === "real" ? Date.now() : this.virtualNow;
  }

  /** Moves virtual time forward. Real clocks cannot be advanced. */
  set(ms: number): void {
    if (this.mode === "real") throw new Error("the real-time clock cannot be advanced; use a virtual clock");
    if (ms < this.virtualNow) throw new Error("time cannot go backwards");
    this.virtualNow = ms;
  }
}

/** RFC 3339 with second precision, as the API server writes timestamps. */
export const rfc3339 = (ms: number): string => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");

/** RFC 3339 with microseconds (MicroTime), used by events' eventTime and leases. */
export const microTime = (ms: number): string => new Date(ms).toISOString().replace(/\.(\d{3})Z$/, ".$1000Z");

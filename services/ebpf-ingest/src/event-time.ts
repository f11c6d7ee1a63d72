// Producers stamp events in different units (bpftrace and BCC: ns; scripts: s or ms; Konverse: RFC 3339).
// Epoch numbers are told apart by magnitude: any plausible date in one unit is far from the others.

/** The event time as RFC 3339, or an error message. */
export function eventTimeIso(ts: string | number | undefined, now: number): { iso: string } | { error: string } {
  if (ts === undefined) return { iso: isoOf(now) };
  if (typeof ts === "string") return { iso: new Date(Date.parse(ts)).toISOString() };
  const ms = ts < 1e11 ? ts * 1000 : ts < 1e14 ? ts : ts < 1e17 ? ts / 1000 : ts / 1e6;
  // Before 2000 or more than a day ahead is a unit mistake or a broken clock, not kernel evidence.
  if (ms < 946_684_800_000 || ms > now + 86_400_000)
    return { error: `ts ${ts} is not a plausible time (epoch s, ms, µs or ns, or RFC 3339)` };
  return { iso: isoOf(Math.round(ms)) };
}

// Events come in bursts stamped within the same millisecond (one OOM storm, one batch): format each ms once.
let lastMs = Number.NaN;
let lastIso = "";
function isoOf(ms: number): string {
  if (ms !== lastMs) {
    lastIso = new Date(ms).toISOString();
    lastMs = ms;
  }
  return lastIso;
}

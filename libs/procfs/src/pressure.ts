import { counterRate, roundFraction } from "./rates.js";

export interface PsiLine {
  /** Percent of wall time stalled, averaged over 10 s, 60 s, 300 s. */
  avg10: number;
  avg60: number;
  avg300: number;
  /** Cumulative stall time in microseconds. */
  total: number;
}

export interface Pressure {
  some?: PsiLine;
  full?: PsiLine;
}

/**
 * Parses one /proc/pressure file: "some avg10=0.00 avg60=0.00 avg300=0.00 total=0" and the same for
 * "full". cpu has no `full` line before 5.13 (and it is all zero at system level after).
 */
export function parsePressure(text: string): Pressure {
  const out: Pressure = {};
  for (const line of text.split("\n")) {
    const [kind, ...pairs] = line.split(" ");
    if (kind !== "some" && kind !== "full") continue;
    const v: Record<string, number> = {};
    for (const pair of pairs) {
      const eq = pair.indexOf("=");
      if (eq > 0) v[pair.slice(0, eq)] = Number(pair.slice(eq + 1));
    }
    const { avg10, avg60, avg300, total } = v;
    if (avg10 === undefined || avg60 === undefined || avg300 === undefined || total === undefined) continue;
    out[kind] = { avg10, avg60, avg300, total };
  }
  return out;
}

export interface PsiValues {
  avg10: number;
  avg60: number;
  avg300: number;
  totalRate?: number;
}

/**
 * One PSI line for the wire. totalRate is the stall time accrued per second of the interval, as a
 * fraction (µs / 1e6 / s): 0.25 means a quarter of the time some (or all, for `full`) tasks were stalled.
 * Unlike avg10 it covers exactly the sampling interval.
 */
export function psiValues(prev: PsiLine | undefined, cur: PsiLine, seconds: number): PsiValues {
  const out: PsiValues = { avg10: cur.avg10, avg60: cur.avg60, avg300: cur.avg300 };
  const rate = counterRate(prev?.total, cur.total, seconds);
  if (rate !== undefined) out.totalRate = roundFraction(rate / 1e6);
  return out;
}

/** `some` and, where the kernel has it, `full` for one resource; undefined without a `some` line. */
export function pressureSample(
  prev: Pressure | undefined,
  cur: Pressure | undefined,
  seconds: number,
): { some: PsiValues; full?: PsiValues } | undefined {
  if (!cur?.some) return undefined;
  const out: { some: PsiValues; full?: PsiValues } = { some: psiValues(prev?.some, cur.some, seconds) };
  if (cur.full) out.full = psiValues(prev?.full, cur.full, seconds);
  return out;
}

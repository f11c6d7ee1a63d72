export interface LoadAvg {
  one: number;
  five: number;
  fifteen: number;
}

/** Parses /proc/loadavg ("0.52 0.58 0.59 2/1234 5678"); the run-queue fields come from /proc/stat instead. */
export function parseLoadavg(text: string): LoadAvg | undefined {
  const [one, five, fifteen] = text.trim().split(" ").map(Number);
  if (one === undefined || five === undefined || fifteen === undefined) return undefined;
  if (!Number.isFinite(one) || !Number.isFinite(five) || !Number.isFinite(fifteen)) return undefined;
  return { one, five, fifteen };
}

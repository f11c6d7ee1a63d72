/** "90s", "5m", "1h30m", "250ms" or a number of milliseconds. */
export const parseDuration = (v: string | number): number => {
  if (typeof v === "number") return v;
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;
  let total = 0;
  let consumed = 0;
  for (const m of v.matchAll(re)) {
    total += Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as "s"];
    consumed += m[0].length;
  }
  if (consumed === 0 || consumed !== v.replace(/\s/g, "").length) throw new Error(`invalid duration "${v}": expected e.g. 90s, 5m, 1h30m`);
  return total;
};

// intstr.GetScaledValueFromIntOrPercent: maxSurge rounds up, maxUnavailable rounds down, as the controllers do.
export type IntOrString = number | string;

export function scaledValue(v: IntOrString | undefined | null, total: number, roundUp: boolean, fallback: IntOrString = 0): number {
  const value = v ?? fallback;
  if (typeof value === "number") return value;
  if (value.endsWith("%")) {
    const pct = Number(value.slice(0, -1));
    if (!Number.isFinite(pct)) throw new Error(`invalid value for IntOrString: invalid value "${value}"`);
    const exact = (pct * total) / 100;
    return roundUp ? Math.ceil(exact) : Math.floor(exact);
  }
  const n = Number(value);
  if (!Number.isInteger(n)) throw new Error(`invalid value for IntOrString: invalid type: string is not a percentage`);
  return n;
}

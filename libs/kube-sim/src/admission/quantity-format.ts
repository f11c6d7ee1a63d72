// Quantities as resource.Quantity.String() prints them in admission messages and quota status: a sum keeps the
// binary format when its terms were written with binary suffixes (Ki, Mi, Gi...), and decimal values take the
// largest exponent that keeps the mantissa whole ("1500m", "2", "1k", "500M").
import { formatBytes, parseQuantity } from "../quantity.js";

const DECIMAL = ["", "k", "M", "G", "T", "P", "E"];
const BINARY_SUFFIX = /[KMGTPE]i$/;

export const isBinary = (q: string | number | undefined): boolean => typeof q === "string" && BINARY_SUFFIX.test(q.trim());

export function formatDecimal(value: number): string {
  if (value === 0) return "0";
  if (Number.isInteger(value)) {
    let v = value;
    let i = 0;
    while (v % 1000 === 0 && i < DECIMAL.length - 1) {
      v /= 1000;
      i++;
    }
    return `${v}${DECIMAL[i]}`;
  }
  const milli = value * 1000;
  if (Math.abs(milli - Math.round(milli)) < 1e-9) return `${Math.round(milli)}m`;
  const micro = value * 1e6;
  if (Math.abs(micro - Math.round(micro)) < 1e-9) return `${Math.round(micro)}u`;
  return `${Math.round(value * 1e9)}n`;
}

/** A value in base units, printed in the format its source quantities used. */
export const formatQuantity = (value: number, binary: boolean): string =>
  binary && Number.isInteger(value) ? formatBytes(value) : formatDecimal(value);

/** One quantity in canonical form ("1024Mi" → "1Gi", "1000m" → "1"). */
export const canonical = (q: string | number): string => formatQuantity(parseQuantity(q), isBinary(q));

/** Sums of named quantities that remember whether any term was binary. */
export class ResourceSum {
  private readonly values = new Map<string, { value: number; binary: boolean }>();

  add(name: string, q: string | number | undefined): void {
    if (q === undefined) return;
    const cur = this.values.get(name) ?? { value: 0, binary: false };
    this.values.set(name, { value: cur.value + parseQuantity(q), binary: cur.binary || isBinary(q) });
  }

  /** Keeps the larger of this sum and `q` (init containers against the sum of app containers). */
  max(name: string, q: string | number | undefined): void {
    if (q === undefined) return;
    const cur = this.values.get(name);
    const v = parseQuantity(q);
    if (!cur || v > cur.value) this.values.set(name, { value: v, binary: isBinary(q) });
  }

  has(name: string): boolean {
    return this.values.has(name);
  }

  value(name: string): number {
    return this.values.get(name)?.value ?? 0;
  }

  text(name: string): string {
    const v = this.values.get(name);
    return v ? formatQuantity(v.value, v.binary) : "0";
  }

  names(): string[] {
    return [...this.values.keys()];
  }
}

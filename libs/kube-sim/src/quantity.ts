// Kubernetes resource quantities ("250m", "1.5Gi", "1e3", 2), parsed the way apimachinery's resource.Quantity does.
// Values are kept as integer mantissa × 10^exp × 2^bin until the caller picks a unit, so "100m" → 100 millicores
// exactly and never 100.00000000000001.

interface Parts {
  mantissa: number; // integer digits of the number, sign included
  exp10: number;
  exp2: number;
}

const SUFFIXES: Record<string, { exp10: number; exp2: number }> = {
  "": { exp10: 0, exp2: 0 },
  n: { exp10: -9, exp2: 0 },
  u: { exp10: -6, exp2: 0 },
  m: { exp10: -3, exp2: 0 },
  k: { exp10: 3, exp2: 0 },
  M: { exp10: 6, exp2: 0 },
  G: { exp10: 9, exp2: 0 },
  T: { exp10: 12, exp2: 0 },
  P: { exp10: 15, exp2: 0 },
  E: { exp10: 18, exp2: 0 },
  Ki: { exp10: 0, exp2: 10 },
  Mi: { exp10: 0, exp2: 20 },
  Gi: { exp10: 0, exp2: 30 },
  Ti: { exp10: 0, exp2: 40 },
  Pi: { exp10: 0, exp2: 50 },
  Ei: { exp10: 0, exp2: 60 },
};

// The exponent alternative comes first so "1E3" is 1000 while a bare "1E" is one exa, as in Kubernetes.
const QUANTITY = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(?:[eE]([+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E))?$/;

function parts(q: string | number): Parts {
  const text = typeof q === "number" ? numberText(q) : q;
  const m = typeof text === "string" ? QUANTITY.exec(text) : null;
  if (!m)
    throw new Error(
      `invalid quantity ${JSON.stringify(q)}: expected a number with an optional suffix (n, u, m, k, M, G, T, P, E, Ki, Mi, Gi, Ti, Pi, Ei) or exponent, e.g. 250m, 1.5Gi, 1e3`,
    );
  const [, sign = "", num = "", exp, suffix = ""] = m;
  const [whole = "", frac = ""] = num.split(".");
  const mantissa = Number(`${whole}${frac}` || "0") * (sign === "-" ? -1 : 1);
  const scale = SUFFIXES[suffix]!;
  const exp10 = (exp === undefined ? scale.exp10 : Number(exp)) - frac.length;
  return { mantissa, exp10, exp2: scale.exp2 };
}

function numberText(n: number): string | null {
  // String(1e21) is "1e+21", which the grammar above accepts; NaN and Infinity are not quantities.
  return Number.isFinite(n) ? String(n) : null;
}

/** The value in units of 10^scale (scale 3 → milli), unrounded. Dividing by an exact power of ten keeps it correctly rounded. */
function valueAt(p: Parts, scale: number): number {
  const e = p.exp10 + scale;
  const v = e >= 0 ? p.mantissa * 10 ** e : p.mantissa / 10 ** -e;
  return v * 2 ** p.exp2;
}

/** A quantity in base units: cores for cpu, bytes for memory and storage. */
export function parseQuantity(q: string | number): number {
  return valueAt(parts(q), 0);
}

/** Whole millicores, rounded up like Quantity.MilliValue() ("0.1m" → 1). */
export function cpuMillis(q: string | number): number {
  return Math.ceil(valueAt(parts(q), 3));
}

/** Whole bytes, rounded up like Quantity.Value() ("100m" → 1). */
export function bytes(q: string | number): number {
  return Math.ceil(valueAt(parts(q), 0));
}

/** Millicores in canonical form: "2" for whole cores, "250m" otherwise. */
export function formatCpu(millis: number): string {
  const m = Math.round(millis);
  return m % 1000 === 0 ? String(m / 1000) : `${m}m`;
}

const BINARY = ["Ei", "Pi", "Ti", "Gi", "Mi", "Ki"] as const;

/** Bytes in canonical binary form: the largest binary suffix that divides evenly ("1536Mi", "1Gi"), else plain bytes. */
export function formatBytes(n: number): string {
  const b = Math.round(n);
  if (b === 0) return "0";
  for (let i = 0; i < BINARY.length; i++) {
    const unit = 2 ** (10 * (BINARY.length - i));
    if (b % unit === 0) return `${b / unit}${BINARY[i]}`;
  }
  return String(b);
}

/** CPU as metrics-server reports it: whole nanocores ("156340362n"). */
export function formatNanoCores(millis: number): string {
  return `${Math.round(millis * 1e6)}n`;
}

/** Memory as metrics-server reports it: whole kibibytes ("1234567Ki"). */
export function formatKi(n: number): string {
  return `${Math.round(n / 1024)}Ki`;
}

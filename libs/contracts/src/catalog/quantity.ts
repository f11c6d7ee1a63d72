// Kubernetes resource quantities (`500m`, `1.5Gi`, `2`, `1e3`), validated the way the API server parses
// them, plus the unit mistakes that parse but mean something else (`512m` memory is half a byte).
const QUANTITY = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))([eE][+-]?\d+|Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])?$/;

const MULTIPLIER: Record<string, number> = {
  "": 1,
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

/** The value of a quantity in base units (cores, bytes), or undefined when it is not a quantity. */
export function parseQuantity(text: string): number | undefined {
  const m = QUANTITY.exec(text);
  if (!m) return undefined;
  const [, num, suffix = ""] = m;
  const factor = /^[eE][+-]?\d+$/.test(suffix) ? 10 ** Number(suffix.slice(1)) : MULTIPLIER[suffix]!;
  const value = Number(num) * factor;
  // Decimal sub-unit suffixes multiply into binary noise (0.1 * 1e-3); round to the nano-unit the API works in.
  return factor < 1 ? Math.round(value * 1e9) / 1e9 : value;
}

export type QuantityKind = "cpu" | "memory" | "storage";

/** Why `text` is not a usable positive quantity of `kind`, or undefined when it is. */
export function quantityProblem(text: string, kind: QuantityKind): string | undefined {
  const value = parseQuantity(text);
  if (value === undefined) return `"${text}" is not a Kubernetes quantity (e.g. ${kind === "cpu" ? "500m or 2" : "512Mi or 2Gi"})`;
  if (!(value > 0)) return "must be greater than zero";
  const suffix = QUANTITY.exec(text)![2] ?? "";
  if (kind === "cpu") {
    if (/i$/.test(suffix)) return `"${text}": CPU is counted in cores or millicores (e.g. 500m, 2), not in binary units`;
    if (value < 0.001) return "must be at least 1m (one millicore)";
  } else if (["n", "u", "m"].includes(suffix)) {
    return `"${text}" is a fraction of a byte: "${suffix}" means ${suffix === "m" ? "milli" : suffix === "u" ? "micro" : "nano"}; use Mi or Gi`;
  }
  return undefined;
}

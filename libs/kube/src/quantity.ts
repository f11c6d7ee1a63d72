// Quantities as numbers in their base unit (cores, bytes) for metrics and capacity maths. The parser is
// the catalog's (one implementation for the whole project); here an invalid quantity is an error, since
// it comes from the API server, not from a user.
import { parseQuantity as parseOrUndefined } from "@vigil/contracts";

/** The quantity's value in its base unit (cores, bytes); throws on something that is not a quantity. */
export function parseQuantity(q: string | number): number {
  if (typeof q === "number") {
    if (!Number.isFinite(q)) throw new Error(`invalid quantity ${q}`);
    return q;
  }
  const value = parseOrUndefined(q.trim());
  if (value === undefined) {
    throw new Error(
      `invalid quantity ${JSON.stringify(q)}: expected a number with an optional suffix (n, u, m, k, M, G, T, P, E, Ki, Mi, Gi, Ti, Pi, Ei) or exponent`,
    );
  }
  return value;
}

/** CPU quantity → cores ("250m" → 0.25, "1234567n" → 0.001234567). */
export const cpuCores = (q: string | number): number => parseQuantity(q);

/** Memory or storage quantity → bytes ("64Mi" → 67108864). */
export const bytesOf = (q: string | number): number => Math.round(parseQuantity(q));

// New values for increase_resources: today's quantity times a factor, rounded up to a unit people read (whole
// MiB or GiB of memory, whole millicores of CPU), so "256Mi × 1.5" is "384Mi", never "402653184".
import { parseQuantity } from "@vigil/contracts";

const MI = 2 ** 20;
const GI = 2 ** 30;

/** A quantity of `resource` for `value` base units (bytes, cores), rounded up. */
export function formatQuantity(value: number, resource: "memory" | "cpu"): string {
  if (resource === "cpu") {
    const milli = Math.ceil(Math.round(value * 1e6) / 1e3);
    return milli % 1000 === 0 ? String(milli / 1000) : `${milli}m`;
  }
  const mib = Math.ceil(Math.round(value) / MI);
  return (mib * MI) % GI === 0 ? `${(mib * MI) / GI}Gi` : `${mib}Mi`;
}

/** The value of a quantity the API server gave us (it validated it); undefined when absent. */
export const valueOf = (q: string | undefined): number | undefined => (q === undefined ? undefined : parseQuantity(q));

// Numbers back into Kubernetes quantity strings, for answers that sum or measure quantities: CPU as whole
// cores or millicores ("2", "1500m"), bytes in the largest binary unit that divides them exactly ("384Mi",
// "2Gi"), as Go's resource.Quantity prints sums of such values.
import { parseQuantity } from "@vigil/contracts";

/** A quantity in base units (cores, bytes); an unreadable one counts as 0 rather than failing a whole view. */
export function quantityValue(q: string | number | undefined): number {
  if (q === undefined) return 0;
  if (typeof q === "number") return Number.isFinite(q) ? q : 0;
  return parseQuantity(q.trim()) ?? 0;
}

/** Cores → "2" when whole, else millicores "1500m" (rounded up, as the API rounds sub-milli values). */
export function formatCpu(cores: number): string {
  const milli = Math.ceil(Math.round(cores * 1e6) / 1e3);
  if (milli === 0) return "0";
  return milli % 1000 === 0 ? String(milli / 1000) : `${milli}m`;
}

/** Cores → always millicores ("4000m"), the seed's node-utilization form. */
export function formatMillicores(cores: number): string {
  return `${Math.round(cores * 1000)}m`;
}

const BINARY: Array<[string, number]> = [
  ["Ei", 2 ** 60],
  ["Pi", 2 ** 50],
  ["Ti", 2 ** 40],
  ["Gi", 2 ** 30],
  ["Mi", 2 ** 20],
  ["Ki", 2 ** 10],
];

/** Bytes → the largest binary unit dividing them ("256Mi", "2Gi"), else plain bytes. */
export function formatBytes(bytes: number): string {
  const b = Math.round(bytes);
  if (b === 0) return "0";
  for (const [suffix, size] of BINARY) if (b % size === 0) return `${b / size}${suffix}`;
  return String(b);
}

/** Bytes of a measurement → Ki granularity at least ("1536Mi", "123456Ki"), readable without exactness. */
export function formatMeasuredBytes(bytes: number): string {
  return formatBytes(Math.round(bytes / 1024) * 1024);
}

/** A resource amount in the form its kind is written in. */
export function formatQuantity(resource: string, value: number): string {
  if (resource === "cpu") return formatCpu(value);
  if (resource === "memory" || resource.includes("storage") || resource.startsWith("hugepages-")) return formatBytes(value);
  return String(Math.round(value * 1000) / 1000);
}

// Byte counts the way Kubernetes quantities read (256Mi, 1.5Gi), for reasons a human compares with a pod spec.

const UNITS: ReadonlyArray<[string, number]> = [
  ["Ti", 2 ** 40],
  ["Gi", 2 ** 30],
  ["Mi", 2 ** 20],
  ["Ki", 2 ** 10],
];

export function formatBytes(bytes: number): string {
  for (const [unit, size] of UNITS) {
    if (bytes < size) continue;
    const v = bytes / size;
    // Exact when it is (limits usually are), else one decimal: 255.9Mi says "just under" better than 256Mi.
    return Number.isInteger(v) ? `${v}${unit}` : `${(Math.floor(v * 10) / 10).toFixed(1)}${unit}`;
  }
  return `${bytes}B`;
}

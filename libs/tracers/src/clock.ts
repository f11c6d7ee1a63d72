// bpftrace's `nsecs` is bpf_ktime_get_ns(): CLOCK_MONOTONIC, nanoseconds since boot excluding suspend.
// Node's process.hrtime reads the same clock (libuv uses CLOCK_MONOTONIC), so the current offset
// between it and Date.now() maps a kernel timestamp to wall-clock time without /proc/uptime or btime
// (both only second-precise). The offset is taken per call so an NTP step is picked up at once.

/** RFC 3339 wall-clock time of a CLOCK_MONOTONIC nanosecond value (as bpftrace printed it). */
export function monotonicNsToIso(ns: bigint | string): string {
  const mono = typeof ns === "bigint" ? ns : BigInt(ns);
  const offsetNs = BigInt(Date.now()) * 1_000_000n - process.hrtime.bigint();
  return new Date(Number((mono + offsetNs) / 1_000_000n)).toISOString();
}

// swap_fault_latency from do_swap_page entry/return (programs/swap*.bt): a log2 histogram of
// microseconds every 5 s, Konverse's swaphist shape. Konverse timed the whole handle_mm_fault of faults
// that reached do_swap_page; timing do_swap_page itself avoids a probe on every page fault and still
// covers the swap read that dominates such a fault.
import { access } from "node:fs/promises";
import type { BpftraceMessage } from "../bpftrace-output.js";
import type { TracerDecoder, TracerDefinition } from "../tracer-definition.js";

const INTERVAL_S = 5;

export class SwapDecoder implements TracerDecoder {
  decode(msg: BpftraceMessage): unknown[] {
    if (msg.type !== "hist") return [];
    const buckets = msg.maps["@us"];
    if (!buckets || !buckets.some((b) => b.count > 0)) return [];
    // bpftrace's JSON bounds are inclusive ([8, 15]); its text form and Konverse say [8, 16).
    const distribution = buckets
      .filter((b) => b.min !== undefined && b.min >= 0)
      .map((b) => ({ range_start_us: b.min as number, range_end_us: (b.max ?? (b.min as number)) + 1, count: b.count }));
    return [{ type: "swap_fault_latency", ts: new Date().toISOString(), latency_distribution_us: distribution, interval_s: INTERVAL_S }];
  }
}

export const swapTracer: TracerDefinition = {
  name: "swap",
  variants: [
    {
      program: { file: "swap.bt" },
      requires: [{ probe: "kfunc:do_swap_page" }, { probe: "kretfunc:do_swap_page" }],
      btf: true,
    },
    { program: { file: "swap-kprobe.bt" }, requires: [{ probe: "kprobe:do_swap_page" }, { probe: "kretprobe:do_swap_page" }] },
  ],
  async precondition() {
    const hasSwap = await access("/proc/swaps").then(
      () => true,
      () => false,
    );
    return hasSwap ? undefined : "the kernel has no swap support (no /proc/swaps: CONFIG_SWAP is off)";
  },
  async prepare() {
    return { decoder: new SwapDecoder() };
  },
};

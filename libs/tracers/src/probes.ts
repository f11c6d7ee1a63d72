// Up-front attach point checks: `bpftrace -lv <probe>` lists a probe with its arguments when this
// kernel has it, so a tracer built for another kernel is skipped with a reason instead of crash-looping.
import { access } from "node:fs/promises";
import { firstError, runBpftrace } from "./bpftrace-cli.js";
import { ensureTracefs, TRACEFS_CANDIDATES } from "./tracefs.js";

export interface ProbeRequirement {
  /** A fully qualified probe, e.g. "tracepoint:oom:mark_victim" or "kfunc:do_swap_page". */
  probe: string;
  /** Arguments the program reads (args->name); missing ones make the variant unusable. */
  args?: string[];
}

export type CheckResult = { ok: true } | { ok: false; reason: string };

/** The argument names in a `bpftrace -lv` listing ("    unsigned long total_vm" -> "total_vm"). */
export function parseProbeArgs(listing: string): string[] {
  return listing
    .split("\n")
    .filter((l) => /^\s+\S/.test(l))
    .map((l) => l.trim().split(/\s+/).at(-1) ?? "")
    .map((name) => name.replace(/^\*+/, "").replace(/\[.*\]$/, ""))
    .filter(Boolean);
}

/** Kernels built without CONFIG_KPROBES have neither the kprobe PMU nor tracefs's kprobe_events. */
async function kprobesSupported(): Promise<boolean> {
  const paths = ["/sys/bus/event_source/devices/kprobe", ...TRACEFS_CANDIDATES.map((d) => `${d}/kprobe_events`)];
  for (const p of paths)
    if (
      await access(p).then(
        () => true,
        () => false,
      )
    )
      return true;
  return false;
}

export async function checkProbe(bpftracePath: string, req: ProbeRequirement): Promise<CheckResult> {
  if (/^k(ret)?probe:/.test(req.probe) && !(await kprobesSupported())) {
    return { ok: false, reason: `${req.probe}: this kernel has no kprobes (no kprobe PMU, no kprobe_events: CONFIG_KPROBES is off)` };
  }
  if (req.probe.startsWith("tracepoint:")) {
    // Without tracefs bpftrace lists no tracepoints at all: say so rather than blame the probe.
    const tracefs = await ensureTracefs();
    if (!tracefs.ok) return { ok: false, reason: `${req.probe}: ${tracefs.reason}` };
  }
  const res = await runBpftrace(bpftracePath, ["-lv", req.probe]);
  if (res.spawnError) return { ok: false, reason: res.spawnError };
  const listed = res.stdout.split("\n").some((l) => l.trim() === req.probe);
  if (!listed) {
    const err = firstError(res.stderr);
    return { ok: false, reason: `${req.probe} is not available on this kernel${err ? `: ${err}` : ""}` };
  }
  const have = new Set(parseProbeArgs(res.stdout));
  const missing = (req.args ?? []).filter((a) => !have.has(a));
  if (missing.length > 0) return { ok: false, reason: `${req.probe} lacks argument(s) ${missing.join(", ")} on this kernel` };
  return { ok: true };
}

export const BTF_PATH = "/sys/kernel/btf/vmlinux";

/** Kernel type information, needed for struct access (curtask->cgroups) and kfunc probes. */
export async function checkBtf(path = BTF_PATH): Promise<CheckResult> {
  return access(path).then(
    () => ({ ok: true }) as const,
    () => ({ ok: false, reason: `no kernel BTF at ${path} (CONFIG_DEBUG_INFO_BTF)` }) as const,
  );
}

/** Checks every requirement; the first failure wins. */
export async function checkRequirements(bpftracePath: string, reqs: readonly ProbeRequirement[], btf: boolean): Promise<CheckResult> {
  if (btf) {
    const r = await checkBtf();
    if (!r.ok) return r;
  }
  const results = await Promise.all(reqs.map((req) => checkProbe(bpftracePath, req)));
  return results.find((r) => !r.ok) ?? { ok: true };
}

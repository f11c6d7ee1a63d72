// Can this process run bpftrace tracers at all? The service asks once at startup to choose between
// the tracers and the cgroup-counter fallback, and shows the reason in /readyz and the logs.
import { readFile } from "node:fs/promises";
import type { Logger } from "pino";
import { DEFAULT_BPFTRACE, firstError, runBpftrace } from "./bpftrace-cli.js";
import { ensureTracefs } from "./tracefs.js";

export type BpfAvailability = { available: true; bpftraceVersion: string } | { available: false; reason: string };

export interface AvailabilityOptions {
  bpftracePath?: string;
  log?: Logger;
}

const CAP_SYS_ADMIN = 21n;
const CAP_PERFMON = 38n;
const CAP_BPF = 39n;

/** Effective capabilities of this process, from /proc/self/status. */
async function effectiveCaps(): Promise<bigint | undefined> {
  const status = await readFile("/proc/self/status", "utf8").catch(() => "");
  const hex = /^CapEff:\s*([0-9a-f]+)$/m.exec(status)?.[1];
  return hex === undefined ? undefined : BigInt(`0x${hex}`);
}

const has = (caps: bigint, bit: bigint): boolean => (caps & (1n << bit)) !== 0n;

/** Checks, cheapest first: root, capabilities, the bpftrace binary, tracefs, and a trivial program. */
export async function bpfAvailability(opts: AvailabilityOptions = {}): Promise<BpfAvailability> {
  const bpftrace = opts.bpftracePath ?? DEFAULT_BPFTRACE;
  // bpftrace itself refuses to run unless euid is 0, whatever the capabilities.
  if (process.geteuid?.() !== 0)
    return { available: false, reason: `not running as root (euid ${process.geteuid?.()}); bpftrace requires euid 0` };
  const caps = await effectiveCaps();
  if (caps !== undefined && !has(caps, CAP_SYS_ADMIN) && !(has(caps, CAP_BPF) && has(caps, CAP_PERFMON))) {
    return { available: false, reason: "missing capabilities: need CAP_SYS_ADMIN, or CAP_BPF and CAP_PERFMON (run privileged)" };
  }
  const version = await runBpftrace(bpftrace, ["--version"], 10_000);
  if (version.spawnError) return { available: false, reason: `bpftrace is not installed (${version.spawnError})` };
  if (version.code !== 0)
    return { available: false, reason: `bpftrace --version failed: ${firstError(version.stderr) ?? `exit code ${version.code}`}` };
  const tracefs = await ensureTracefs(opts.log);
  if (!tracefs.ok) return { available: false, reason: tracefs.reason };
  // interval probes need nothing but perf events: a failure here means BPF itself is refused
  // (seccomp, lockdown, missing capability in a user namespace, no JIT/verifier support...).
  const trial = await runBpftrace(bpftrace, ["-e", "interval:ms:1 { exit(); }"], 30_000);
  if (trial.code !== 0) {
    return {
      available: false,
      reason: `a trivial bpftrace program failed to load: ${firstError(trial.stderr) ?? trial.spawnError ?? `exit code ${trial.code}`}`,
    };
  }
  return { available: true, bpftraceVersion: version.stdout.trim() };
}

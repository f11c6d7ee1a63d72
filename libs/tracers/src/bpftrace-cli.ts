// Short-lived bpftrace invocations (version, probe listing, a trivial program) and the reading of its
// error output.
import { execFile } from "node:child_process";

export const DEFAULT_BPFTRACE = "bpftrace";

export interface CliResult {
  /** Exit code, or null when killed (timeout) or never started. */
  code: number | null;
  stdout: string;
  stderr: string;
  /** Set when the binary could not be run at all (ENOENT, EACCES). */
  spawnError?: string;
}

export function runBpftrace(
  bpftracePath: string,
  args: readonly string[],
  timeoutMs = 30_000,
  env?: NodeJS.ProcessEnv,
): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(bpftracePath, args, { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024, env: env ?? process.env }, (error, stdout, stderr) => {
      const err = error as (NodeJS.ErrnoException & { code?: number | string }) | null;
      if (err && typeof err.code === "string") {
        resolve({ code: null, stdout, stderr, spawnError: `${bpftracePath}: ${err.code === "ENOENT" ? "not found" : err.message}` });
        return;
      }
      resolve({ code: err ? (typeof err.code === "number" ? err.code : null) : 0, stdout, stderr });
    });
  });
}

// bpftrace 0.17 cannot raise RLIMIT_MEMLOCK in many containers and says so on every start, harmlessly
// (kernels >= 5.11 account BPF memory to the cgroup, not the rlimit).
const NOISE = [/couldn't set RLIMIT_MEMLOCK/];

/** stderr without known-harmless lines. */
export function cleanStderr(stderr: string): string {
  return stderr
    .split("\n")
    .filter((l) => l.trim() !== "" && !NOISE.some((re) => re.test(l)))
    .join("\n");
}

/** The first "ERROR: ..." message in bpftrace's stderr (source location stripped), else the last line. */
export function firstError(stderr: string): string | undefined {
  const lines = cleanStderr(stderr).split("\n").filter(Boolean);
  for (const line of lines) {
    const i = line.indexOf("ERROR:");
    if (i >= 0) return line.slice(i + "ERROR:".length).trim();
  }
  return lines.at(-1)?.replace(/^.*?WARNING:\s*/, "");
}

/** Errors meaning the kernel lacks an attach point (or a type the program needs): retrying cannot help. */
const MISSING_ATTACH_POINT = [
  /Error attaching probe/i,
  /tracepoint not found/i,
  /not available for your kernel/i,
  /No probes to attach/i,
  /does not contain a field/i,
  /Unknown struct/i,
  /Could not resolve symbol/i,
  /kprobe_events/i,
];

export function isMissingAttachPoint(message: string): boolean {
  return MISSING_ATTACH_POINT.some((re) => re.test(message));
}

/** A diagnostic tied to a place in the program (a compile error): deterministic, so not worth a restart. */
export function isProgramError(stderr: string): boolean {
  return /^\S+:\d+(?::\d+)?-\d+: ERROR:/m.test(cleanStderr(stderr));
}

// bpftrace resolves tracepoints through tracefs (events/<category>/<name>/format). Minimal hosts and
// containers often lack the mount; mounting it needs CAP_SYS_ADMIN, so it is attempted once per
// process and a failure is remembered with its reason.
import { execFile } from "node:child_process";
import { access } from "node:fs/promises";
import type { Logger } from "pino";

export type TracefsStatus = { ok: true; path: string; mountedByUs: boolean } | { ok: false; reason: string };

export const TRACEFS_CANDIDATES = ["/sys/kernel/tracing", "/sys/kernel/debug/tracing"] as const;

let mountAttempt: Promise<string | undefined> | undefined;

async function findTracefs(candidates: readonly string[]): Promise<string | undefined> {
  for (const dir of candidates) {
    if (
      await access(`${dir}/available_events`).then(
        () => true,
        () => false,
      )
    )
      return dir;
  }
  return undefined;
}

function mountTracefs(target: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile("mount", ["-t", "tracefs", "nodev", target], { timeout: 10_000 }, (error, _stdout, stderr) => {
      if (!error) return resolve(undefined);
      const detail = stderr.trim() || error.message;
      resolve((error as NodeJS.ErrnoException).code === "ENOENT" ? "the mount command is not installed" : detail);
    });
  });
}

/**
 * Finds a mounted tracefs, mounting one at /sys/kernel/tracing when there is none (first call only).
 * Never throws: the failure reason is what readiness checks and logs show.
 */
export async function ensureTracefs(log?: Logger, candidates: readonly string[] = TRACEFS_CANDIDATES): Promise<TracefsStatus> {
  const found = await findTracefs(candidates);
  if (found) return { ok: true, path: found, mountedByUs: false };
  const target = candidates[0] ?? "/sys/kernel/tracing";
  const first = mountAttempt === undefined;
  mountAttempt ??= mountTracefs(target);
  const failure = await mountAttempt;
  if (failure === undefined) {
    const after = await findTracefs(candidates);
    if (after) {
      if (first) log?.info({ path: after }, "mounted tracefs (it was not mounted)");
      return { ok: true, path: after, mountedByUs: true };
    }
  }
  const reason =
    `tracefs is not mounted (looked for available_events in ${candidates.join(", ")}) and mounting it at ${target} failed: ` +
    `${failure ?? "mounted, but available_events is still missing"} (needs CAP_SYS_ADMIN and a writable ${target}; ` +
    `or mount the host's /sys/kernel/tracing into the container)`;
  if (first) log?.warn({ reason }, "tracefs unavailable");
  return { ok: false, reason };
}

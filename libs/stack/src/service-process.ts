// One Vigil service as its own process (services/<name>/dist/main.js, as it runs in production), with its output
// split into lines for the stack's formatter and the last ones kept to explain a crash.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { ServiceName } from "./stack-options.js";
import { forEachLine } from "./processes.js";

const TAIL_LINES = 30;
/** Past this after SIGTERM the process group is SIGKILLed (the kit's own drain deadline is set below it). */
export const STOP_GRACE_MS = 10_000;

export interface ServiceChild {
  name: ServiceName;
  pid: number;
  /** The last lines it wrote, for "webhook exited (code 1); its last lines: …". */
  tail(): string[];
  exited: Promise<{ code: number | null; signal: string | null }>;
  /** SIGTERM (the kit drains and exits), SIGKILL of its process group after the grace period. Idempotent. */
  stop(): Promise<void>;
  /** SIGKILL of its process group, at once. */
  kill(): void;
}

export interface SpawnServiceOptions {
  root: string;
  name: ServiceName;
  env: Record<string, string | undefined>;
  /** Every line it writes (stdout and stderr), in order. */
  onLine: (line: string) => void;
}

export const serviceMain = (root: string, name: ServiceName): string => join(root, "services", name, "dist", "main.js");

export function spawnService(opts: SpawnServiceOptions): ServiceChild {
  const main = serviceMain(opts.root, opts.name);
  if (!existsSync(main)) throw new Error(`${opts.name} is not built (${main} is missing): run npm run build`);
  // detached: a process group of its own. The terminal's Ctrl-C then reaches only the stack, which stops the
  // services before PostgreSQL and NATS (they drain into them); and the group takes a service's own children
  // (ebpf-ingest's bpftrace) down with it.
  const child = spawn(process.execPath, [main], { env: opts.env, stdio: ["ignore", "pipe", "pipe"], detached: true });
  const lines: string[] = [];
  const push = (line: string): void => {
    lines.push(line);
    if (lines.length > TAIL_LINES) lines.shift();
    opts.onLine(line);
  };
  forEachLine([child.stdout, child.stderr], push);
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => {
    child.once("error", (err) => {
      push(`cannot start ${opts.name}: ${err.message}`);
      if (child.pid === undefined) resolve({ code: null, signal: null });
    });
    child.once("exit", (code, signal) => resolve({ code, signal }));
  });
  const pid = child.pid ?? -1;
  const killGroup = (): void => {
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      // Already gone, every process of the group.
    }
  };
  // Whatever the service left in its group (a tracer it could not stop) goes with it. (The stack kills every group
  // when its own process exits: one "exit" listener for all, rather than one per service.)
  void exited.then(killGroup);

  let stopping: Promise<void> | undefined;
  return {
    name: opts.name,
    pid,
    tail: () => [...lines],
    exited,
    kill: killGroup,
    stop() {
      stopping ??= (async () => {
        if (child.exitCode !== null || child.signalCode !== null || pid < 0) return;
        const force = setTimeout(killGroup, STOP_GRACE_MS);
        child.kill("SIGTERM");
        await exited;
        clearTimeout(force);
      })();
      return stopping;
    },
  };
}

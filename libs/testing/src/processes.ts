// Child processes owned by the harness: tracked so they die with the test process, with a ring buffer
// of recent output so a failed start can show *why* (the log tail) instead of a bare timeout.
import { spawn, type ChildProcess } from "node:child_process";
import type { Socket } from "node:net";
import { readdirSync, readFileSync } from "node:fs";
import { basename } from "node:path";
import { onProcessExit } from "./cleanup.js";

const MAX_LINES = 300;
/** Set VIGIL_TEST_LOGS=1 to stream every child's output to stderr while debugging a test. */
const STREAM_LOGS = process.env["VIGIL_TEST_LOGS"] === "1";

export interface SpawnOptions {
  /** Short label used in log lines and errors; defaults to the binary name. */
  name?: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Run as this user/group (only possible as root), e.g. to drop privileges for PostgreSQL. */
  uid?: number;
  gid?: number;
  /**
   * Signal sent by the exit-time cleanup hook. SIGKILL by default; servers that clean up shared
   * resources on a fast signal (PostgreSQL: SIGQUIT) can ask for that instead.
   */
  exitSignal?: NodeJS.Signals;
  /**
   * Keep the test process alive while this child runs (default false: a forgotten server must not
   * hang `node --test`; the exit hook kills it instead). Short-lived commands want true.
   */
  keepAlive?: boolean;
}

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface TrackedProcess {
  readonly name: string;
  readonly pid: number;
  readonly child: ChildProcess;
  /** True until the process has exited. */
  readonly running: boolean;
  /** Resolves once the process has exited (never rejects). */
  readonly exited: Promise<ExitInfo>;
  /** Resolves once its stdout/stderr are closed too (all output captured), or shortly after exit. */
  readonly closed: Promise<void>;
  /** Last `n` output lines (stdout and stderr interleaved), for error messages. */
  tail(n?: number): string;
  /** Resolves with the first line (already seen or future) matching `re`; rejects on exit or timeout. */
  waitForLine(re: RegExp, timeoutMs: number): Promise<string>;
  /** Resolves/rejects like `promise`, but rejects (with the log tail) as soon as the process exits. */
  raceExit<T>(promise: Promise<T>, what: string): Promise<T>;
  /** Sends `signal`, escalates to SIGKILL after `timeoutMs`, resolves when the process is gone. */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<ExitInfo>;
}

/** Spawns a long-running child that never keeps the test process alive and never outlives it. */
export function spawnTracked(command: string, args: readonly string[], opts: SpawnOptions = {}): TrackedProcess {
  const name = opts.name ?? basename(command);
  const child = spawn(command, args, {
    cwd: opts.cwd,
    env: opts.env ?? process.env,
    stdio: ["ignore", "pipe", "pipe"],
    ...(opts.uid !== undefined ? { uid: opts.uid } : {}),
    ...(opts.gid !== undefined ? { gid: opts.gid } : {}),
  });

  const lines: string[] = [];
  const lineListeners = new Set<(line: string) => void>();
  const exitListeners = new Set<(info: ExitInfo) => void>();
  let running = true;
  let spawnError: Error | undefined;

  const pushLine = (line: string): void => {
    lines.push(line);
    if (lines.length > MAX_LINES) lines.shift();
    if (STREAM_LOGS) process.stderr.write(`[${name}] ${line}\n`);
    for (const listener of [...lineListeners]) listener(line);
  };
  for (const stream of [child.stdout, child.stderr]) {
    if (!stream) continue;
    let partial = "";
    stream.setEncoding("utf8");
    stream.on("data", (chunk: string) => {
      const parts = (partial + chunk).split("\n");
      partial = parts.pop() ?? "";
      for (const part of parts) pushLine(part);
    });
    stream.on("end", () => {
      if (partial) pushLine(partial);
      partial = "";
    });
    if (!opts.keepAlive) (stream as unknown as Socket).unref?.();
  }
  if (!opts.keepAlive) child.unref();

  const unregister = onProcessExit(() => {
    if (!running || child.pid === undefined) return;
    child.kill(opts.exitSignal ?? "SIGKILL");
    waitDeadSync(child.pid, 2_000);
  });

  const exited = new Promise<ExitInfo>((resolve) => {
    // "error" without "exit" happens when the binary cannot be spawned at all (ENOENT, EACCES).
    child.once("error", (err) => {
      spawnError = err;
      if (child.pid === undefined) finish({ code: null, signal: null });
    });
    child.once("exit", (code, signal) => finish({ code, signal }));
    function finish(info: ExitInfo): void {
      if (!running) return;
      running = false;
      unregister();
      if (spawnError) pushLine(`process error: ${spawnError.message}`);
      for (const listener of [...exitListeners]) listener(info);
      resolve(info);
    }
  });

  // A grandchild can inherit the pipes and hold them open; don't wait for it longer than a moment.
  const closed = new Promise<void>((resolve) => {
    child.once("close", () => resolve());
    void exited.then(() => setTimeout(resolve, 1_000).unref());
  });

  const tail = (n = 40): string => lines.slice(-n).join("\n");

  return {
    name,
    pid: child.pid ?? -1,
    child,
    get running() {
      return running;
    },
    exited,
    closed,
    tail,
    waitForLine(re, timeoutMs) {
      const seen = lines.find((l) => re.test(l));
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise<string>((resolve, reject) => {
        const cleanup = (): void => {
          clearTimeout(timer);
          lineListeners.delete(onLine);
          exitListeners.delete(onExit);
        };
        const onLine = (line: string): void => {
          if (!re.test(line)) return;
          cleanup();
          resolve(line);
        };
        const onExit = (info: ExitInfo): void => {
          cleanup();
          reject(new Error(`${name} exited (${describeExit(info)}) before logging ${re}.\n--- ${name} log tail ---\n${tail()}`));
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`${name} did not log ${re} within ${timeoutMs}ms.\n--- ${name} log tail ---\n${tail()}`));
        }, timeoutMs);
        lineListeners.add(onLine);
        exitListeners.add(onExit);
        if (!running) onExit({ code: child.exitCode, signal: child.signalCode });
      });
    },
    raceExit(promise, what) {
      let onExit: ((info: ExitInfo) => void) | undefined;
      const died = new Promise<never>((_, reject) => {
        onExit = (info) => reject(new Error(`${name} exited (${describeExit(info)}) ${what}.\n--- ${name} log tail ---\n${tail()}`));
        if (running) exitListeners.add(onExit);
        else onExit({ code: child.exitCode, signal: child.signalCode });
      });
      return Promise.race([promise, died]).finally(() => {
        if (onExit) exitListeners.delete(onExit);
      });
    },
    async stop(signal = "SIGTERM", timeoutMs = 5_000) {
      if (!running) return exited;
      // Someone is waiting for the exit now: the (unref'd) child must keep the event loop alive.
      child.ref();
      child.kill(signal);
      const timer = setTimeout(() => {
        if (running) child.kill("SIGKILL");
      }, timeoutMs);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/**
 * Exit hooks must be synchronous, and the event loop (which reaps children) no longer runs, so poll
 * /proc until the process is a zombie or gone. Keeps files from being written after cleanup removed them.
 */
function waitDeadSync(pid: number, timeoutMs: number): void {
  const deadline = Date.now() + timeoutMs;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  while (Date.now() < deadline) {
    let state: string | undefined;
    try {
      // Format: "pid (comm) S ..."; comm may contain spaces, so read the field after the last ')'.
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
    } catch {
      return; // gone (or no /proc: nothing better to do)
    }
    if (state === "Z" || state === "X") return;
    Atomics.wait(pause, 0, 0, 5);
  }
}

export function describeExit(info: ExitInfo): string {
  return info.signal ? `signal ${info.signal}` : `exit code ${info.code}`;
}

export interface RunResult {
  code: number | null;
  output: string;
}

/** Runs a short-lived command to completion; throws with its output when it fails. */
export async function runCommand(
  command: string,
  args: readonly string[],
  opts: SpawnOptions & { timeoutMs?: number } = {},
): Promise<RunResult> {
  const proc = spawnTracked(command, args, { ...opts, keepAlive: true });
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const timer = setTimeout(() => {
    if (proc.running) proc.child.kill("SIGKILL");
  }, timeoutMs);
  const info = await proc.exited.finally(() => clearTimeout(timer));
  await proc.closed;
  const output = proc.tail(MAX_LINES);
  if (info.code !== 0) {
    throw new Error(`${proc.name} ${args.join(" ")} failed (${describeExit(info)}).\n--- output ---\n${output}`);
  }
  return { code: info.code, output };
}

/** Pids of this process's direct children named `comm` (a harness's nats-server, a supervisor's bpftrace). */
export function childPidsNamed(comm: string): number[] {
  const out: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // "pid (comm) state ppid ...": comm may contain spaces, so split after the last ')'.
      const name = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (name === comm && ppid === process.pid) out.push(Number(entry));
    } catch {
      // Exited while we looked.
    }
  }
  return out;
}

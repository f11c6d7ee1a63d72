// The quiet build in front of `npm start` and `npm run demo`: Nx's output (60+ lines even when everything is cached)
// is captured, the user sees one line when it starts, a line now and then while it runs (a cold build takes minutes
// on 2 cores), and one when it is done; the output of the failed tasks only when the build fails.
import { spawn } from "node:child_process";
import { forEachLine } from "./processes.js";

export interface BuildOptions {
  /** The repository root (where nx.json is). */
  root: string;
  /** One line per step: "building 32 projects…", "… 12 of 32 built (40 s)", "built 32 projects in 4.1 s (28 cached)". */
  onProgress?: (line: string) => void;
  /** Where the failed tasks' output goes when the build fails (default process.stderr). */
  output?: NodeJS.WritableStream;
  /** Lines at most this far apart while the build runs (default 15 s). */
  progressEveryMs?: number;
  /** Aborting stops the build (Nx and the compilers it runs) and rejects. */
  signal?: AbortSignal;
}

/** What Nx's static output says about a run, read as it goes. */
export interface BuildReport {
  projects?: number;
  /** Tasks whose output Nx restored from its cache. */
  cached?: number;
  /** Tasks started so far ("> nx run <project>:build"). */
  started: number;
  failed: string[];
}

const RUNNING = /(?:Running|ran) target build for (\d+) project/;
const TASK_START = /^> nx run (\S+)/;
const CACHE_SUMMARY = /Cache:\s+(\d+)\/(\d+) hit/;
const CACHE_SENTENCE = /from the cache instead of running the command for (\d+) out of (\d+) tasks/;
const FAILED_TASK = /^- (\S+:\S+)$/;

/** Folds one line of `nx run-many --outputStyle=static` into the report. */
export function readBuildLine(report: BuildReport, line: string, inFailedList: boolean): boolean {
  const text = line.trim();
  const running = RUNNING.exec(text);
  if (running) report.projects = Number(running[1]);
  if (TASK_START.test(text)) report.started++;
  const cache = CACHE_SUMMARY.exec(text) ?? CACHE_SENTENCE.exec(text);
  if (cache) report.cached = Number(cache[1]);
  if (/^Failed tasks:$/.test(text)) return true;
  const failed = inFailedList ? FAILED_TASK.exec(text) : null;
  if (failed) report.failed.push(failed[1]!);
  return inFailedList && (failed !== null || text === "");
}

/** The output of the named tasks only (each starts at its "> nx run <task>" line); everything when none is named. */
export function failedTaskOutput(lines: readonly string[], failed: readonly string[]): string {
  if (failed.length === 0) return lines.join("\n");
  const out: string[] = [];
  let keep = false;
  for (const line of lines) {
    const start = TASK_START.exec(line.trim());
    if (start) keep = failed.includes(start[1]!);
    else if (/^\s*NX\s/.test(line)) keep = false;
    if (keep) out.push(line);
  }
  return out.length > 0 ? out.join("\n") : lines.join("\n");
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;

/**
 * Runs `nx run-many -t build` with its output captured. Resolves when every project is built; rejects, after writing
 * the failed tasks' output, with a message saying what to do.
 */
export async function buildQuietly(opts: BuildOptions): Promise<void> {
  const progress = opts.onProgress ?? (() => {});
  const started = Date.now();
  const report: BuildReport = { started: 0, failed: [] };
  const lines: string[] = [];
  let inFailedList = false;
  let announced = false;
  let lastLine = Date.now();

  const child = spawn("npx", ["nx", "run-many", "-t", "build", "--outputStyle=static"], {
    cwd: opts.root,
    // No daemon (it would outlive us) and no terminal UI (it needs a TTY and redraws the screen).
    env: { ...process.env, NX_DAEMON: "false", NX_TUI: "false", NX_NO_CLOUD: "true", FORCE_COLOR: "0" },
    stdio: ["ignore", "pipe", "pipe"],
    // A group of its own, so an abort stops every compiler Nx started, not only Nx.
    detached: true,
  });
  const abort = (): void => {
    try {
      process.kill(-child.pid!, "SIGTERM");
    } catch {
      // Already finished.
    }
  };
  opts.signal?.addEventListener("abort", abort, { once: true });
  process.once("exit", abort);
  const onLine = (line: string): void => {
    lines.push(line);
    inFailedList = readBuildLine(report, line, inFailedList);
    if (!announced && report.projects !== undefined) {
      announced = true;
      lastLine = Date.now();
      progress(`building ${report.projects} projects…`);
    }
  };
  forEachLine([child.stdout, child.stderr], onLine);
  const every = opts.progressEveryMs ?? 15_000;
  const ticker = setInterval(() => {
    if (Date.now() - lastLine < every) return;
    lastLine = Date.now();
    const of = report.projects !== undefined ? ` of ${report.projects}` : "";
    progress(`… ${report.started}${of} tasks started (${seconds(Date.now() - started)})`);
  }, 1_000);

  const exit = await new Promise<{ code: number | null; error?: Error }>((resolve) => {
    child.once("error", (error) => resolve({ code: null, error }));
    child.once("close", (code) => resolve({ code }));
  }).finally(() => {
    clearInterval(ticker);
    opts.signal?.removeEventListener("abort", abort);
    process.removeListener("exit", abort);
  });
  if (opts.signal?.aborted) throw new Error("build stopped");

  const took = seconds(Date.now() - started);
  if (exit.code === 0) {
    const count = report.projects ?? report.started;
    const cached = report.cached !== undefined ? ` (${report.cached} cached)` : "";
    progress(`built ${count} projects in ${took}${cached}`);
    return;
  }
  if (exit.error) throw new Error(`cannot run the build (npx nx): ${exit.error.message}; run npm install first`);
  (opts.output ?? process.stderr).write(`${failedTaskOutput(lines, report.failed)}\n`);
  const which = report.failed.length > 0 ? ` in ${report.failed.join(", ")}` : "";
  throw new Error(
    `the build failed${which} after ${took} (output above): fix the errors and run again; \`npm run build\` shows the whole build`,
  );
}

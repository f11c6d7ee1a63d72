// Runs the selected tracers side by side: each is its own bpftrace process, so one that fails, is
// missing an attach point or crash-loops never stops the others.
import type { Logger } from "pino";
import type { BackoffOptions } from "@vigil/contracts";
import { DEFAULT_BPFTRACE } from "./bpftrace-cli.js";
import { ensureTracefs } from "./tracefs.js";
import type { KernelEventSink, TracerDefinition } from "./tracer-definition.js";
import { TracerRunner, type TracerStatus } from "./tracer-runner.js";
import { builtinTracers } from "./tracers/index.js";

export interface TracerSupervisorOptions {
  /** Default "bpftrace" from PATH. */
  bpftracePath?: string;
  /** Names of the tracers to run; default all. Others are reported as disabled. */
  tracers?: string[];
  log: Logger;
  onEvent: KernelEventSink;
  /** Restart backoff; default 1 s doubling to 60 s. A run that stayed up for maxMs resets it. */
  restart?: BackoffOptions;
  /** Tracer definitions to choose from; default the built-in ones (oom, cgroup, signal, swap). */
  definitions?: readonly TracerDefinition[];
  /** Where `{ file }` programs live; default the library's programs/ directory. */
  programsDir?: URL;
  /** Default 60 s: compiling against BTF takes a few seconds on a busy node. */
  readyTimeoutMs?: number;
  /** Consecutive failed starts before a tracer is given up as failed; default 5. */
  maxStartFailures?: number;
}

/** The programs/ directory next to src/ and dist/. */
export const PROGRAMS_DIR = new URL("../programs/", import.meta.url);

export class TracerSupervisor {
  private readonly runners: TracerRunner[];
  private readonly disabled: TracerStatus[];
  private readonly log: Logger;
  private started = false;
  private readonly onExit = (): void => {
    for (const r of this.runners) r.killNow();
  };

  constructor(opts: TracerSupervisorOptions) {
    const definitions = opts.definitions ?? builtinTracers;
    const names = new Set(definitions.map((d) => d.name));
    const unknown = (opts.tracers ?? []).filter((n) => !names.has(n));
    if (unknown.length > 0) throw new Error(`unknown tracer(s) ${unknown.join(", ")}; known: ${[...names].join(", ")}`);
    const selected = new Set(opts.tracers ?? names);
    this.log = opts.log;
    const runnerOpts = {
      bpftracePath: opts.bpftracePath ?? DEFAULT_BPFTRACE,
      log: opts.log,
      onEvent: opts.onEvent,
      restart: opts.restart ?? { baseMs: 1000, maxMs: 60_000 },
      programsDir: opts.programsDir ?? PROGRAMS_DIR,
      readyTimeoutMs: opts.readyTimeoutMs ?? 60_000,
      maxStartFailures: opts.maxStartFailures ?? 5,
    };
    this.runners = definitions.filter((d) => selected.has(d.name)).map((d) => new TracerRunner(d, runnerOpts));
    this.disabled = definitions
      .filter((d) => !selected.has(d.name))
      .map((d): TracerStatus => ({ name: d.name, state: "disabled", reason: "not selected", restarts: 0, events: 0, invalid: 0 }));
  }

  /**
   * Starts every selected tracer and resolves once each is running or has been reported skipped,
   * failed or restarting. Never rejects for a tracer's sake: status() says what happened.
   */
  async start(): Promise<void> {
    if (this.started) throw new Error("TracerSupervisor already started");
    this.started = true;
    process.once("exit", this.onExit);
    // Tracepoints need tracefs; without it the probe checks below explain each tracer's skip.
    await ensureTracefs(this.log);
    await Promise.all(this.runners.map((r) => r.start()));
    this.log.info({ tracers: this.status().map(({ name, state, reason }) => ({ name, state, reason })) }, "tracers started");
  }

  /** Stops every tracer and waits until no bpftrace child is left. */
  async stop(): Promise<void> {
    await Promise.all(this.runners.map((r) => r.stop()));
    process.removeListener("exit", this.onExit);
  }

  status(): TracerStatus[] {
    return [...this.runners.map((r) => r.status()), ...this.disabled];
  }
}

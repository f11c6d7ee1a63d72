// One tracer's life: pick a program variant this kernel supports, run `bpftrace -f json` on it, turn
// its output into validated events, and restart it with backoff when it dies.
import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { backoffDelay, type BackoffOptions, knownKernelEventInput } from "@vigil/contracts";
import type { Logger } from "pino";
import { cleanStderr, firstError, isMissingAttachPoint, isProgramError } from "./bpftrace-cli.js";
import { parseBpftraceLine, type BpftraceMessage } from "./bpftrace-output.js";
import { checkRequirements } from "./probes.js";
import type { KernelEventSink, PreparedTracer, ProgramVariant, TracerDefinition } from "./tracer-definition.js";

export type TracerState = "starting" | "running" | "restarting" | "skipped" | "failed" | "disabled" | "stopped";

export interface TracerStatus {
  name: string;
  state: TracerState;
  /** Why the tracer is skipped, failed or disabled. */
  reason?: string;
  /** The program variant in use. */
  program?: string;
  restarts: number;
  /** Valid events delivered. */
  events: number;
  /** Output lines that did not parse or events that failed schema validation. */
  invalid: number;
  lastError?: string;
  pid?: number;
}

export interface RunnerOptions {
  bpftracePath: string;
  log: Logger;
  onEvent: KernelEventSink;
  restart: BackoffOptions;
  programsDir: URL;
  /** A start that has not printed "ready" by then is killed and counts as failed. */
  readyTimeoutMs: number;
  /** Consecutive failed starts (never ready) before giving up. */
  maxStartFailures: number;
}

const STDERR_KEEP = 8192;
/** Invalid output is logged for the first few lines, then sampled, so a broken tracer cannot flood the log. */
const LOG_INVALID_FIRST = 5;

export function variantLabel(v: ProgramVariant): string {
  return "file" in v.program ? v.program.file : "inline program";
}

export class TracerRunner {
  private state: TracerState = "starting";
  private reason: string | undefined;
  private lastError: string | undefined;
  private variant: ProgramVariant | undefined;
  private prepared: PreparedTracer | undefined;
  private child: ChildProcess | undefined;
  private childExited: Promise<void> = Promise.resolve();
  private restarts = 0;
  private events = 0;
  private invalid = 0;
  /** Failures since the last run that stayed up for `restart.maxMs`. */
  private failures = 0;
  private readyAt: number | undefined;
  private restartTimer: NodeJS.Timeout | undefined;
  private stopping = false;
  private decodeQueue: Promise<void> = Promise.resolve();
  private settleFirst: () => void = () => {};
  private readonly firstSettled = new Promise<void>((resolve) => (this.settleFirst = resolve));
  private readonly log: Logger;

  constructor(
    private readonly def: TracerDefinition,
    private readonly opts: RunnerOptions,
  ) {
    this.log = opts.log.child({ tracer: def.name });
  }

  get name(): string {
    return this.def.name;
  }

  /** Resolves once the first run is ready, or the tracer was skipped or failed, or its first run ended. */
  async start(): Promise<void> {
    try {
      const unmet = await this.def.precondition?.();
      if (unmet) return this.finish("skipped", unmet);
      const reasons: string[] = [];
      for (const v of this.def.variants) {
        const check = await checkRequirements(this.opts.bpftracePath, v.requires, v.btf ?? false);
        if (check.ok) {
          this.variant = v;
          break;
        }
        reasons.push(this.def.variants.length > 1 ? `${variantLabel(v)}: ${check.reason}` : check.reason);
      }
      if (!this.variant) return this.finish("skipped", reasons.join("; "));
      this.prepared = await this.def.prepare({ log: this.log });
    } catch (error) {
      return this.finish("failed", `cannot prepare: ${(error as Error).message}`);
    }
    if (this.stopping) return;
    this.spawn();
    await this.firstSettled;
  }

  /** Kills the bpftrace child (SIGTERM, SIGKILL after `graceMs`) and waits until it has exited. */
  async stop(graceMs = 5000): Promise<void> {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    const child = this.child;
    if (child) {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      const escalate = setTimeout(() => child.kill("SIGKILL"), graceMs);
      await this.childExited;
      clearTimeout(escalate);
    }
    await this.decodeQueue;
    if (this.state === "running" || this.state === "restarting" || this.state === "starting") this.state = "stopped";
    this.settleFirst();
  }

  /** Synchronous last resort for process exit: no bpftrace may outlive the service. */
  killNow(): void {
    this.child?.kill("SIGKILL");
  }

  status(): TracerStatus {
    const s: TracerStatus = { name: this.def.name, state: this.state, restarts: this.restarts, events: this.events, invalid: this.invalid };
    if (this.reason !== undefined) s.reason = this.reason;
    if (this.variant) s.program = variantLabel(this.variant);
    if (this.lastError !== undefined) s.lastError = this.lastError;
    if (this.child?.pid !== undefined && this.child.exitCode === null) s.pid = this.child.pid;
    return s;
  }

  private finish(state: "skipped" | "failed", reason: string): void {
    this.state = state;
    this.reason = reason;
    (state === "skipped" ? this.log.info.bind(this.log) : this.log.error.bind(this.log))({ reason }, `tracer ${state}`);
    this.settleFirst();
  }

  private spawn(): void {
    const variant = this.variant as ProgramVariant;
    const prepared = this.prepared as PreparedTracer;
    const program =
      "file" in variant.program ? [fileURLToPath(new URL(variant.program.file, this.opts.programsDir))] : ["-e", variant.program.source];
    const args = ["-B", "none", "-f", "json", ...program, ...(prepared.args ?? [])];
    const child = spawn(this.opts.bpftracePath, args, { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...prepared.env } });
    this.child = child;
    this.readyAt = undefined;
    let stderr = "";
    let exited = false;
    let resolveExit: () => void = () => {};
    this.childExited = new Promise((resolve) => (resolveExit = resolve));
    let timedOut = false;
    const readyTimer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, this.opts.readyTimeoutMs);

    const onExit = (code: number | null, signal: NodeJS.Signals | null, spawnError?: Error): void => {
      if (exited) return;
      exited = true;
      clearTimeout(readyTimer);
      resolveExit();
      if (this.child === child) this.child = undefined;
      if (this.stopping) return;
      const detail = spawnError
        ? spawnError.message
        : timedOut
          ? `not ready after ${this.opts.readyTimeoutMs} ms${firstError(stderr) ? `: ${firstError(stderr)}` : ""}`
          : (firstError(stderr) ?? `exited (${signal ?? `code ${code}`})`);
      this.onChildExit(detail, stderr, spawnError !== undefined);
    };
    child.on("error", (error) => onExit(null, null, error));
    // "close", not "exit": all of stdout ("ready") and stderr (the reason) has been read by then.
    child.on("close", (code, signal) => onExit(code, signal));
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr = (stderr + chunk.toString("utf8")).slice(-STDERR_KEEP);
    });
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream, crlfDelay: Infinity });
    lines.on("line", (line) => {
      const msg = parseBpftraceLine(line);
      if (msg === undefined) return;
      if (msg.type === "printf" && msg.data === "ready\n") {
        clearTimeout(readyTimer);
        this.readyAt = Date.now();
        this.state = "running";
        this.log.info({ pid: child.pid, program: variantLabel(variant), restarts: this.restarts }, "tracer running");
        this.settleFirst();
        return;
      }
      if (msg.type === "printf" && msg.data === "alive\n") return;
      if (msg.type === "invalid") return this.countInvalid("unparseable output", { line: msg.line, error: msg.error });
      this.decodeQueue = this.decodeQueue.then(() => this.decodeAndEmit(msg));
    });
  }

  private onChildExit(detail: string, stderr: string, spawnFailed: boolean): void {
    this.lastError = detail;
    const wasReady = this.readyAt !== undefined;
    if (!wasReady && !spawnFailed) {
      // Deterministic failures: the kernel lacks something, or the program does not compile here.
      if (isMissingAttachPoint(cleanStderr(stderr))) return this.finish("skipped", detail);
      if (isProgramError(stderr)) return this.finish("failed", detail);
    }
    if (wasReady && Date.now() - (this.readyAt as number) >= this.opts.restart.maxMs) this.failures = 0;
    this.failures++;
    if (!wasReady && this.failures >= this.opts.maxStartFailures) {
      return this.finish("failed", `gave up after ${this.failures} failed starts: ${detail}`);
    }
    const delay = backoffDelay(this.failures, this.opts.restart);
    this.state = "restarting";
    this.log.warn({ error: detail, delayMs: delay, failures: this.failures }, "tracer exited; restarting");
    this.settleFirst();
    this.restartTimer = setTimeout(() => {
      if (this.stopping) return;
      this.restarts++;
      this.spawn();
    }, delay);
  }

  private async decodeAndEmit(msg: BpftraceMessage): Promise<void> {
    let candidates: unknown[];
    try {
      candidates = await (this.prepared as PreparedTracer).decoder.decode(msg);
    } catch (error) {
      return this.countInvalid("decoder failed", { err: error });
    }
    for (const candidate of candidates) {
      const parsed = knownKernelEventInput.safeParse(candidate);
      if (!parsed.success) {
        this.countInvalid("event failed validation", { event: candidate, issues: parsed.error.issues.slice(0, 5) });
        continue;
      }
      this.events++;
      try {
        this.opts.onEvent(parsed.data, "bpftrace");
      } catch (error) {
        this.log.error({ err: error }, "onEvent threw");
      }
    }
  }

  private countInvalid(what: string, detail: Record<string, unknown>): void {
    this.invalid++;
    if (this.invalid <= LOG_INVALID_FIRST || this.invalid % 1000 === 0)
      this.log.warn({ ...detail, invalid: this.invalid }, `tracer: ${what}`);
  }
}

// What a tracer is: bpftrace program variants (newest kernel first) plus a decoder that turns the
// program's output into kernel event inputs. The supervisor picks the first variant this kernel can run.
import type { KnownKernelEventInput } from "@vigil/contracts";
import type { Logger } from "pino";
import type { BpftraceMessage } from "./bpftrace-output.js";
import type { ProbeRequirement } from "./probes.js";

export type EventSource = "bpftrace" | "cgroup";
export type KernelEventSink = (event: KnownKernelEventInput, source: EventSource) => void;

export interface ProgramVariant {
  /** A file in the library's programs/ directory, or program text (custom tracers, tests). */
  program: { file: string } | { source: string };
  /** Attach points (and their arguments) checked with `bpftrace -lv` before starting. */
  requires: ProbeRequirement[];
  /** Needs kernel BTF (struct access on curtask, kfunc). */
  btf?: boolean;
}

export interface TracerDecoder {
  /**
   * Candidate events for one output message (the caller validates them against the input schema).
   * Called in output order; may be async (e.g. reading /proc right after an event).
   */
  decode(msg: BpftraceMessage): unknown[] | Promise<unknown[]>;
}

export interface TracerDefinition {
  name: string;
  variants: ProgramVariant[];
  /** Why this tracer cannot run on this host at all, checked before any probe (e.g. no CONFIG_SWAP). */
  precondition?(): Promise<string | undefined>;
  /** Host facts for the program and a decoder that knows them; runs once per supervisor start. */
  prepare(ctx: { log: Logger }): Promise<PreparedTracer>;
}

export interface PreparedTracer {
  /** Positional parameters $1, $2, ... */
  args?: string[];
  /** Extra environment, e.g. BPFTRACE_STRLEN. */
  env?: Record<string, string>;
  decoder: TracerDecoder;
}

import { readdirSync, readFileSync } from "node:fs";
import type { KnownKernelEventInput } from "@vigil/contracts";
import { pino } from "pino";
import { bpfAvailability, type EventSource } from "../src/index.js";

export const silentLog = pino({ level: process.env["TEST_LOG_LEVEL"] ?? "silent" });

let availability: Promise<string | undefined> | undefined;

/** Why real-kernel BPF tests cannot run here (printed by t.skip), or undefined when they can. */
export function bpfSkipReason(): Promise<string | undefined> {
  availability ??= bpfAvailability({ log: silentLog }).then((a) => (a.available ? undefined : `BPF unavailable: ${a.reason}`));
  return availability;
}

export interface Collected {
  event: KnownKernelEventInput;
  source: EventSource;
  at: number;
}

/** An onEvent sink that records every event with its arrival time. */
export function collector(): { events: Collected[]; onEvent: (event: KnownKernelEventInput, source: EventSource) => void } {
  const events: Collected[] = [];
  return { events, onEvent: (event, source) => events.push({ event, source, at: Date.now() }) };
}

/** Pids of bpftrace processes whose parent is this test process. */
export function bpftraceChildren(): number[] {
  const pids: number[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      // "pid (comm) state ppid ...": comm may contain spaces, so split after the last ')'.
      const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (comm === "bpftrace" && ppid === process.pid) pids.push(Number(name));
    } catch {
      // Exited while we looked.
    }
  }
  return pids;
}

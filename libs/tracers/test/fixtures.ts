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

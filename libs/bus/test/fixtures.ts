import { type DeadLetterMessage, streams, subjects } from "@vigil/contracts";
import { readStream } from "@vigil/testing";
import { type Logger, pino } from "pino";
import { Registry } from "prom-client";
import { Bus, type BusOptions } from "../src/index.js";

export const silentLog = pino({ level: process.env.TEST_LOG_LEVEL ?? "silent" });

export async function connectBus(url: string, registry = new Registry(), options: Partial<BusOptions> = {}): Promise<Bus> {
  return Bus.connect({
    servers: url,
    name: "bus-test",
    log: silentLog,
    registry,
    reconnectTimeWaitMs: 200,
    publishTimeoutMs: 2000,
    ...options,
  });
}

/** A logger whose lines (warn and above unless told) are kept as parsed objects, to assert what was logged. */
export function capturingLog(level = "warn"): { log: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const log = pino({ level }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
  return { log, lines };
}

/** Dead letters of one consumer, read from the DLQ stream directly. */
export async function deadLetters(bus: Bus, durable: string): Promise<DeadLetterMessage[]> {
  const stored = await readStream<DeadLetterMessage>(bus.jsm, streams.deadLetters.name, { subject: subjects.deadLetter(durable) });
  return stored.map((m) => m.message);
}

/** The value of one metric series in a registry (0 when absent). */
export async function metricValue(registry: Registry, name: string, labels: Record<string, string> = {}): Promise<number> {
  const metric = registry.getSingleMetric(name);
  if (!metric) return 0;
  const { values } = await metric.get();
  const match = values.find((v) => Object.entries(labels).every(([k, want]) => String((v.labels as Record<string, unknown>)[k]) === want));
  return match?.value ?? 0;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

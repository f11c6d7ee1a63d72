import type { AlertMessage } from "@vigil/contracts";
import { pino } from "pino";
import { Registry } from "prom-client";
import { Bus } from "../src/index.js";

export const silentLog = pino({ level: process.env.TEST_LOG_LEVEL ?? "silent" });

export async function connectBus(url: string, registry = new Registry()): Promise<Bus> {
  return Bus.connect({ servers: url, name: "bus-test", log: silentLog, registry, reconnectTimeWaitMs: 200, publishTimeoutMs: 2000 });
}

export function makeAlert(i: number, overrides: Partial<AlertMessage> = {}): AlertMessage {
  const startsAt = new Date(Date.UTC(2026, 10, 22, 5, 0, 0) + i * 1000).toISOString();
  return {
    id: `fp${i}:${startsAt}:firing`,
    correlationId: `inc_${i}`,
    fingerprint: `fp${i}`,
    status: "firing",
    alertname: "KubePodCrashLooping",
    severity: "warning",
    namespace: "shop",
    target: { kind: "Pod", name: `web-${i}`, namespace: "shop" },
    summary: "crash looping",
    labels: { alertname: "KubePodCrashLooping", namespace: "shop", pod: `web-${i}` },
    annotations: {},
    startsAt,
    receiver: "vigil",
    groupKey: "{}:{}",
    receivedAt: startsAt,
    ...overrides,
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

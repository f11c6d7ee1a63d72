// The alert message tests publish when any valid alert will do: numbered, so each is distinct (its own id,
// fingerprint, incident and pod), one second apart from 2026-11-22T05:00:00Z.
import type { AlertMessage } from "@vigil/contracts";

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

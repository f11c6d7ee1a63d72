// Whether the effectiveness service has read an alert notification yet. It scores "resolved after the action" from
// its own alert history, filled from the alerts stream; on a clock the demo moves minutes at a time, a verdict due
// right after a resolution could otherwise be taken before the resolution is in that history. Its counter
// vigil_effectiveness_alerts_seen_total{status} (GET /metrics) says how many it has read.
const SEEN = /^vigil_effectiveness_alerts_seen_total\{([^}]*)\}\s+(\d+(?:\.\d+)?)/;

export function alertsSeenIn(metricsText: string, status: "firing" | "resolved"): number {
  let total = 0;
  for (const line of metricsText.split("\n")) {
    const m = SEEN.exec(line);
    if (m && m[1]!.includes(`status="${status}"`)) total += Number(m[2]);
  }
  return total;
}

export async function alertsSeen(effectivenessUrl: string, status: "firing" | "resolved"): Promise<number> {
  const res = await fetch(`${effectivenessUrl}/metrics`);
  if (!res.ok) throw new Error(`the effectiveness service's /metrics answered ${res.status}`);
  return alertsSeenIn(await res.text(), status);
}

/** Resolves once the service has read more than `before` notifications of `status`; false after `timeoutMs`. */
export async function waitAlertsSeen(
  effectivenessUrl: string,
  status: "firing" | "resolved",
  before: number,
  timeoutMs: number,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if ((await alertsSeen(effectivenessUrl, status)) > before) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

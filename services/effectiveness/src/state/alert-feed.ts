// The alert history, filled from VIGIL_ALERTS (firing and resolved, as the webhook publishes them): a window read
// again from JetStream at every start, so a restarted service knows which alerts fired and resolved around the
// actions it still has to judge.
import type { AlertHistory } from "@vigil/assessment";
import { type Bus, StreamFeed } from "@vigil/bus";
import { topics } from "@vigil/contracts";
import type { Logger } from "pino";
import type { EffectivenessMetrics } from "../metrics.js";

export interface AlertFeed {
  caughtUp(): boolean;
  stop(): Promise<void>;
}

export function followAlerts(
  bus: Pick<Bus, "js">,
  history: AlertHistory,
  opts: { log: Logger; metrics: EffectivenessMetrics; windowMs: number },
): AlertFeed {
  const feed = new StreamFeed({
    js: bus.js,
    topic: topics.alerts,
    windowMs: opts.windowMs,
    log: opts.log,
    onMessage: (alert) => {
      if (history.add(alert)) opts.metrics.alertsSeen.inc({ status: alert.status });
    },
  });
  feed.start();
  return { caughtUp: () => feed.caughtUp, stop: () => feed.stop() };
}

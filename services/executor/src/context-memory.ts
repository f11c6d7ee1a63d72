// What the action history records about a proposal's origin, without a query per proposal: the alert's labels (from
// VIGIL_ALERTS) and the diagnosis' summary (from VIGIL_ANALYSIS), read back from the streams into bounded memory
// as they are published. Missing entries (an alert older than the window) are recorded as unknown, never guessed.
import { DiagnosisMemory } from "@vigil/analysis";
import { type Bus, StreamFeed } from "@vigil/bus";
import { type AlertMessage, topics } from "@vigil/contracts";
import type { Logger } from "pino";

const MAX_ALERTS = 20_000;

export class ContextMemory {
  private readonly labels = new Map<string, Record<string, string>>();
  private readonly diagnoses = new DiagnosisMemory();
  private alertsFeed: StreamFeed<typeof topics.alerts> | undefined;

  follow(bus: Bus, log: Logger, windowMs: number): void {
    this.diagnoses.follow(bus, log, windowMs);
    this.alertsFeed = new StreamFeed({ js: bus.js, topic: topics.alerts, windowMs, log, onMessage: (a) => this.rememberAlert(a) });
    this.alertsFeed.start();
  }

  rememberAlert(alert: AlertMessage): void {
    this.labels.delete(alert.fingerprint);
    this.labels.set(alert.fingerprint, alert.labels);
    if (this.labels.size > MAX_ALERTS) {
      const oldest = this.labels.keys().next().value;
      if (oldest !== undefined) this.labels.delete(oldest);
    }
  }

  alertLabels(fingerprint: string): Record<string, string> {
    return this.labels.get(fingerprint) ?? {};
  }

  /** The summary of that very diagnosis, when it is the incident's latest one known here. */
  diagnosisSummary(incidentId: string, diagnosisId: string): string | null {
    const latest = this.diagnoses.latest(incidentId);
    return latest?.id === diagnosisId ? latest.summary : null;
  }

  get loaded(): boolean {
    return this.diagnoses.loaded && (this.alertsFeed?.caughtUp ?? false);
  }

  async stop(): Promise<void> {
    await Promise.all([this.diagnoses.stop(), this.alertsFeed?.stop()]);
  }
}

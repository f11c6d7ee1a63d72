// The latest diagnosis of each incident, for `/api/v1/incidents`: diagnoses live in the VIGIL_ANALYSIS stream,
// which cannot be read by incident, so the analyzer remembers the ones it sees: those it publishes, and those
// any replica publishes while it runs (a core NATS subscription on `vigil.analysis.completed` receives every
// message JetStream stores there). Bounded: the least recently updated incidents are forgotten first, and an
// incident diagnosed before this process started has none until its next diagnosis ("when still known").
import type { Bus } from "@vigil/bus";
import { type DiagnosisMessage, diagnosisMessage, subjects } from "@vigil/contracts";
import type { Logger } from "pino";

export class DiagnosisMemory {
  private readonly byIncident = new Map<string, DiagnosisMessage>();
  private unsubscribe: (() => void) | undefined;

  constructor(private readonly maxIncidents = 5_000) {}

  /** Remembers `d` unless a later diagnosis of its incident is already known. */
  remember(d: DiagnosisMessage): void {
    const known = this.byIncident.get(d.incidentId);
    if (known && Date.parse(known.analyzedAt) > Date.parse(d.analyzedAt)) return;
    // Re-inserting moves the incident to the end of the map's order, which is the eviction order.
    this.byIncident.delete(d.incidentId);
    this.byIncident.set(d.incidentId, d);
    if (this.byIncident.size > this.maxIncidents) {
      const oldest = this.byIncident.keys().next().value;
      if (oldest !== undefined) this.byIncident.delete(oldest);
    }
  }

  latest(incidentId: string): DiagnosisMessage | undefined {
    return this.byIncident.get(incidentId);
  }

  /** Listens to every diagnosis published on the bus (by any replica) from now on. */
  follow(bus: Bus, log: Logger): void {
    const sub = bus.nc.subscribe(subjects.analysisCompleted, {
      callback: (err, msg) => {
        if (err) return void log.warn({ err }, "diagnosis subscription ended");
        try {
          const parsed = diagnosisMessage.safeParse(msg.json());
          if (parsed.success) this.remember(parsed.data);
        } catch (error) {
          log.debug({ err: error }, "ignoring a diagnosis that is not JSON");
        }
      },
    });
    this.unsubscribe = () => sub.unsubscribe();
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }
}

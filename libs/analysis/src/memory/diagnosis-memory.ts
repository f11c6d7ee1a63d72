// The latest diagnosis of each incident, for the analyzer's `/api/v1/incidents` and the investigator's tools:
// diagnoses live in the VIGIL_ANALYSIS stream, which cannot be read by incident, so each service keeps them in
// memory, read back from the stream: at start the window of incidents it needs (the analyzer: those resolved
// within a day, and the open ones), then every diagnosis any replica publishes. Bounded: the least recently
// updated incidents are forgotten first.
import { type Bus, StreamFeed, type StreamFeedOptions } from "@vigil/bus";
import { type DiagnosisMessage, topics } from "@vigil/contracts";

type Logger = StreamFeedOptions<typeof topics.diagnoses>["log"];

export class DiagnosisMemory {
  private readonly byIncident = new Map<string, DiagnosisMessage>();
  private feed: StreamFeed<typeof topics.diagnoses> | undefined;

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

  /** Reads the diagnoses of the last `windowMs` from the stream, then every new one, whichever replica published it. */
  follow(bus: Bus, log: Logger, windowMs: number): void {
    const feed = new StreamFeed({
      js: bus.js,
      topic: topics.diagnoses,
      windowMs,
      log,
      onMessage: (d) => this.remember(d),
    });
    feed.start();
    this.feed = feed;
  }

  /** True once the diagnoses stored at start have been read (readiness: the API lists incidents with them). */
  get loaded(): boolean {
    return this.feed?.caughtUp ?? false;
  }

  async stop(): Promise<void> {
    await this.feed?.stop();
    this.feed = undefined;
  }
}

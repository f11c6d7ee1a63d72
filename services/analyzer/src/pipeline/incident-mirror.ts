// Every incident of KV `vigil_incidents` in memory, kept current by a KV watch: the REST API lists and reads
// incidents without a NATS round trip per request (a list would otherwise cost one read per incident), and the
// pipeline finds the incident a resolved alert belongs to by its fingerprint. Incidents written by any replica
// arrive through the watch; the writer's own also go in at once (`apply`), so a read right after a write sees it.
import type { DiagnosisMemory } from "@vigil/analysis";
import { KvMirror } from "@vigil/bus";
import type { IncidentState, kvBuckets } from "@vigil/contracts";
import type { Logger } from "pino";
import { incidentProgress } from "./incident-grouping.js";
import type { IncidentReader, IncidentWithDiagnosis } from "./incident-reader.js";
import type { IncidentsKv } from "./incident-store.js";

const ID_KEYS = "id.>";

export class IncidentMirror implements IncidentReader {
  private readonly incidents = new Map<string, IncidentState>();
  /** KV key → incident id, to apply deletes (which carry no value). */
  private readonly idOfKey = new Map<string, string>();
  private readonly mirror: KvMirror<typeof kvBuckets.incidents>;

  constructor(
    private readonly kv: IncidentsKv,
    private readonly diagnoses: DiagnosisMemory,
    private readonly log: Logger,
    /** Resolved incidents older than this (by resolvedAt, cluster time) are no longer served; the bucket keeps them 30 days. */
    private readonly retentionMs: number,
    /** Cluster time, for the retention. */
    private readonly now: () => number,
  ) {
    this.mirror = new KvMirror({
      kv,
      keys: ID_KEYS,
      log,
      what: "incident",
      onPut: (key, incident) => this.apply(incident, key),
      // An operator's delete or purge (the bucket TTL expires values without a marker).
      onDelete: (key) => {
        const id = this.idOfKey.get(key);
        if (id !== undefined) this.incidents.delete(id);
        this.idOfKey.delete(key);
      },
    });
  }

  get loaded(): boolean {
    return this.mirror.loaded;
  }

  /** Loads what is stored and follows changes; resolves after the first load. A watch that ends is started again. */
  start(): Promise<void> {
    return this.mirror.start();
  }

  stop(): void {
    this.mirror.stop();
  }

  /** Takes a stored incident; an older state than the one held (by incidentProgress) is ignored. */
  apply(incident: IncidentState, key = this.kv.key("id", incident.incidentId)): void {
    this.idOfKey.set(key, incident.incidentId);
    const held = this.incidents.get(incident.incidentId);
    if (held && incidentProgress(held) > incidentProgress(incident)) return;
    this.incidents.set(incident.incidentId, incident);
  }

  /** The open incident in which an alert with this fingerprint fires, if any (newest first). */
  firingWith(fingerprint: string): IncidentState | undefined {
    let found: IncidentState | undefined;
    for (const i of this.incidents.values()) {
      if (i.status !== "open" || !i.alerts.some((a) => a.fingerprint === fingerprint && a.status === "firing")) continue;
      if (!found || i.updatedAt > found.updatedAt) found = i;
    }
    return found;
  }

  async list(filter: { status?: "open" | "resolved"; limit: number }): Promise<IncidentWithDiagnosis[]> {
    this.forgetExpired();
    return [...this.incidents.values()]
      .filter((i) => (filter.status ? i.status === filter.status : true))
      .sort((a, b) => Date.parse(b.updatedAt) - Date.parse(a.updatedAt) || a.incidentId.localeCompare(b.incidentId))
      .slice(0, filter.limit)
      .map((incident) => this.withDiagnosis(incident));
  }

  async get(incidentId: string): Promise<IncidentWithDiagnosis | undefined> {
    const incident = this.incidents.get(incidentId);
    return incident ? this.withDiagnosis(incident) : undefined;
  }

  /** Resolved incidents past the retention leave memory (the bucket TTL removes them from KV without a marker). */
  private forgetExpired(): void {
    const oldest = this.now() - this.retentionMs;
    for (const [id, i] of this.incidents) {
      if (!i.resolvedAt || Date.parse(i.resolvedAt) >= oldest) continue;
      this.incidents.delete(id);
      this.idOfKey.delete(this.kv.key("id", id));
    }
  }

  private withDiagnosis(incident: IncidentState): IncidentWithDiagnosis {
    const diagnosis = this.diagnoses.latest(incident.incidentId);
    return diagnosis ? { incident, diagnosis } : { incident };
  }
}

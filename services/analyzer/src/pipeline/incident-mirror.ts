// Every incident of KV `vigil_incidents` in memory, kept current by a KV watch: the REST API lists and reads
// incidents without a NATS round trip per request (a list would otherwise cost one read per incident), and the
// pipeline finds the incident a resolved alert belongs to by its fingerprint. Incidents written by any replica
// arrive through the watch; the writer's own also go in at once (`apply`), so a read right after a write sees it.
import type { DiagnosisMemory } from "@vigil/analysis";
import { type IncidentState, incidentState } from "@vigil/contracts";
import type { Logger } from "pino";
import { incidentProgress } from "./incident-grouping.js";
import type { IncidentReader, IncidentWithDiagnosis } from "./incident-reader.js";
import type { IncidentsKv } from "./incident-store.js";

const ID_KEYS = "id.>";

const WATCH_RESTART_MS = 1_000;

type WatchEntries = Awaited<ReturnType<IncidentsKv["raw"]["watch"]>>;

export class IncidentMirror implements IncidentReader {
  private readonly incidents = new Map<string, IncidentState>();
  /** KV key → incident id, to apply deletes (which carry no value). */
  private readonly idOfKey = new Map<string, string>();
  private watcher: { stop(): void } | undefined;
  private loadedFlag = false;
  private stopped = false;

  constructor(
    private readonly kv: IncidentsKv,
    private readonly diagnoses: DiagnosisMemory,
    private readonly log: Logger,
    /** Resolved incidents older than this (by resolvedAt, cluster time) are no longer served; the bucket keeps them 30 days. */
    private readonly retentionMs: number,
    /** Cluster time, for the retention. */
    private readonly now: () => number,
  ) {}

  get loaded(): boolean {
    return this.loadedFlag;
  }

  /** Loads what is stored and follows changes; resolves after the first load. A watch that ends is started again. */
  async start(): Promise<void> {
    const { following } = await this.watchAndLoad();
    this.loadedFlag = true;
    void this.keepFollowing(following);
  }

  stop(): void {
    this.stopped = true;
    this.watcher?.stop();
    this.watcher = undefined;
  }

  /** Watches for changes first, then loads what is stored, so nothing written in between is missed. */
  private async watchAndLoad(): Promise<{ following: Promise<void> }> {
    const updates = await this.kv.raw.watch({ key: ID_KEYS, include: "updates" });
    this.watcher = updates;
    const following = this.follow(updates);
    for (const key of await this.kv.keys(ID_KEYS)) {
      const entry = await this.kv.get(key).catch((err: unknown) => this.log.warn({ err, key }, "skipping an unreadable incident"));
      if (entry) this.apply(entry.value, key);
    }
    return { following };
  }

  /** The watch's consumer can be lost (NATS restarted without its store): until it is back, lists serve what they had. */
  private async keepFollowing(following: Promise<void>): Promise<void> {
    await following;
    while (!this.stopped) {
      this.log.warn("incident watch ended; starting it again");
      await new Promise((r) => setTimeout(r, WATCH_RESTART_MS));
      if (this.stopped) return;
      try {
        await (
          await this.watchAndLoad()
        ).following;
      } catch (err) {
        this.log.warn({ err }, "incident watch could not start; retrying");
      }
    }
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

  private async follow(updates: WatchEntries): Promise<void> {
    try {
      for await (const entry of updates) {
        if (entry.operation !== "PUT") {
          // An operator's delete or purge (the bucket TTL expires values without a marker).
          const id = this.idOfKey.get(entry.key);
          if (id !== undefined) this.incidents.delete(id);
          this.idOfKey.delete(entry.key);
          continue;
        }
        const parsed = incidentState.safeParse(entry.json());
        if (parsed.success) this.apply(parsed.data, entry.key);
        else this.log.warn({ key: entry.key, revision: entry.revision }, "ignoring an incident that does not match its schema");
      }
    } catch (err) {
      if (!this.stopped) this.log.error({ err }, "incident watch failed; /api/v1/incidents serves what it had");
    }
  }
}

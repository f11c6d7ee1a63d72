// Incidents in KV `vigil_incidents`: `owner.<owner>` holds the owner's current incident and is where grouping
// happens, by compare-and-set (`modify`), so concurrent deliveries of one owner's alerts, in this process or in
// another replica, never open two incidents; `id.<incidentId>` holds the same value for lookups by id. The `id`
// copy is written after the owner key and only forwards (incidentProgress), so a slower writer cannot put an
// older state back.
import type { TypedKv } from "@vigil/bus";
import { type AlertMessage, type IncidentState, type kvBuckets, resourceKey, type ResourceRef } from "@vigil/contracts";
import {
  type GroupingDecision,
  type GroupingSettings,
  groupFiring,
  incidentProgress,
  type ResolutionDecision,
  resolveAlert,
} from "./incident-grouping.js";

export type IncidentsKv = TypedKv<typeof kvBuckets.incidents>;

export class IncidentStore {
  constructor(
    private readonly kv: IncidentsKv,
    private readonly settings: GroupingSettings,
  ) {}

  private ownerKey(owner: ResourceRef): string {
    return this.kv.key("owner", resourceKey(owner));
  }

  private idKey(incidentId: string): string {
    return this.kv.key("id", incidentId);
  }

  /** Groups a firing alert into its owner's incident (or a new one) and stores the result. */
  async recordFiring(alert: AlertMessage, owner: ResourceRef, nowMs: number): Promise<GroupingDecision> {
    let decision: GroupingDecision | undefined;
    await this.kv.modify(this.ownerKey(owner), (current) => {
      // `modify` may call this more than once: the decision of the attempt that was stored is the last one made.
      decision = groupFiring(current, alert, owner, nowMs, this.settings);
      return decision.incident;
    });
    if (!decision) throw new Error("incident grouping made no decision"); // modify always calls fn at least once
    await this.writeById(decision.incident);
    return decision;
  }

  /**
   * Marks a resolved alert in the incident it fires in: the owner's current incident when `owner` is known and
   * it holds the alert, else `incidentId` (found by the caller, e.g. by fingerprint). Undefined: nothing changed.
   */
  async recordResolved(
    alert: AlertMessage,
    where: { owner?: ResourceRef; incidentId?: string },
    nowMs: number,
  ): Promise<ResolutionDecision | undefined> {
    let decision: ResolutionDecision | undefined;
    const apply = (current: IncidentState | undefined): IncidentState | undefined => {
      decision = where.incidentId && current?.incidentId !== where.incidentId ? undefined : resolveAlert(current, alert, nowMs);
      return decision?.incident;
    };
    const ownerKey = where.owner ? this.ownerKey(where.owner) : undefined;
    const atOwner = ownerKey ? await this.kv.get(ownerKey) : undefined;
    if (ownerKey && atOwner && (!where.incidentId || atOwner.value.incidentId === where.incidentId)) {
      await this.kv.modify(ownerKey, apply);
      if (decision) await this.writeById(decision.incident);
      return decision;
    }
    if (!where.incidentId) return undefined;
    // No longer the owner's current incident (a newer one replaced it): its `id` copy is the only one left.
    await this.kv.modify(this.idKey(where.incidentId), apply);
    return decision;
  }

  /** The stored incident with this id, straight from KV. */
  async get(incidentId: string): Promise<IncidentState | undefined> {
    return (await this.kv.get(this.idKey(incidentId)))?.value;
  }

  /** The owner's current incident, straight from KV. */
  async currentFor(owner: ResourceRef): Promise<IncidentState | undefined> {
    return (await this.kv.get(this.ownerKey(owner)))?.value;
  }

  private async writeById(incident: IncidentState): Promise<void> {
    await this.kv.modify(this.idKey(incident.incidentId), (current) =>
      current && incidentProgress(current) >= incidentProgress(incident) ? undefined : incident,
    );
  }
}

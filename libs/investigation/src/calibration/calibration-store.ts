// Calibration records in KV `vigil_calibration` (key = proposal id), mirrored in memory: the investigator
// records each action proposal it publishes, joins the effectiveness assessment to it when one arrives, and
// reads every record (for the report and the thresholds) without a NATS round trip. Records written by any
// replica arrive through a KV watch; the writer's own go in at once, so a read right after a write sees it.
import { KvMirror, type TypedKv } from "@vigil/bus";
import type { AssessmentMessage, kvBuckets, ProposalMessage } from "@vigil/contracts";
import type { Logger } from "pino";
import type { CalibrationRecord } from "./stats.js";

export type CalibrationKv = TypedKv<typeof kvBuckets.calibration>;

export class CalibrationStore {
  /** KV key → the latest record seen and its revision (a watch entry older than a local write is ignored). */
  private readonly held = new Map<string, { record: CalibrationRecord; revision: number }>();
  private readonly mirror: KvMirror<typeof kvBuckets.calibration>;

  constructor(
    private readonly kv: CalibrationKv,
    private readonly log: Logger,
  ) {
    this.mirror = new KvMirror({
      kv,
      log,
      what: "calibration record",
      onPut: (key, record, revision) => this.apply(key, record, revision),
      onDelete: (key) => this.held.delete(key),
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

  /** Only action proposals are calibrated: no_action and escalate carry no action whose outcome could be judged. */
  async recordProposal(p: ProposalMessage): Promise<void> {
    if (p.kind !== "action") return;
    const key = this.kv.key(p.id);
    const record: CalibrationRecord = {
      proposalId: p.id,
      source: p.source,
      action: p.action,
      confidence: p.confidence,
      proposedAt: p.proposedAt,
    };
    // A redelivered proposal must not erase the outcome already joined to it: write only when absent.
    const stored = await this.kv.modify(key, (current) => (current === undefined ? record : undefined));
    if (stored) this.apply(key, stored.value, stored.revision);
  }

  /** Joins the outcome to its proposal; an assessment of an unknown proposal is logged and ignored. */
  async recordAssessment(a: AssessmentMessage): Promise<void> {
    const key = this.kv.key(a.proposalId);
    let known = true;
    const stored = await this.kv.modify(key, (current) => {
      known = current !== undefined;
      // Idempotent: the same assessment again, or one older than what is held, changes nothing.
      if (current === undefined || (current.assessedAt !== undefined && Date.parse(current.assessedAt) >= Date.parse(a.assessedAt))) {
        return undefined;
      }
      return { ...current, outcome: a.outcome, assessedAt: a.assessedAt };
    });
    const context = { incidentId: a.incidentId, correlationId: a.correlationId, proposalId: a.proposalId, executionId: a.executionId };
    if (!known) {
      this.log.warn(context, "assessment of an unknown proposal (not an action proposal of this investigator, or expired): not calibrated");
      return;
    }
    if (stored) this.apply(key, stored.value, stored.revision);
    if (stored && stored.value.action !== a.action)
      this.log.warn({ ...context, proposed: stored.value.action, assessed: a.action }, "assessed action differs from the proposal's");
  }

  records(): CalibrationRecord[] {
    return [...this.held.values()].map((h) => h.record);
  }

  private apply(key: string, record: CalibrationRecord, revision: number): void {
    const held = this.held.get(key);
    if (held && held.revision >= revision) return;
    this.held.set(key, { record, revision });
  }
}

// The diagnosis consumer: `vigil.analysis.completed` (durable `investigator`) → `vigil.actions.proposed`.
//
// Per diagnosis: investigate (rules, or the agent within the LLM wall budget), wrap the decision into a proposal
// (pipeline ids derived from the diagnosis, cluster time), validate it against the contract, publish it, and record
// it for calibration. The decision is taken under `ctx.once`: a redelivery (a crash before the ack, a restart)
// republishes the very same proposal, with the same deterministic id, which JetStream's `Nats-Msg-Id` dedupe drops,
// and never asks the model twice. A proposal that fails its schema is a bug, never retried: dead-lettered with the
// reason, never published.
import { performance } from "node:perf_hooks";
import { type Bus, describeZodError, type HandlerContext, PermanentError } from "@vigil/bus";
import { deterministicId, derive, type DiagnosisMessage, type ProposalMessage, proposalMessage, topics } from "@vigil/contracts";
import type { AgentFailure, CalibrationStore, InvestigationPath, Investigator } from "@vigil/investigation";
import type { InvestigatorMetrics } from "../metrics.js";

/** The durable consumer of VIGIL_ANALYSIS (docs/architecture.md). */
export const DIAGNOSES_DURABLE = "investigator";

/** The proposal's id: one per diagnosis, the same on every delivery. */
export const proposalIdFor = (diagnosisId: string): string => deterministicId("prop", diagnosisId);

/** A handler gets the LLM wall budget plus this much for the rules, the publish and the calibration record. */
const HANDLER_MARGIN_MS = 60_000;

export interface DiagnosisPipelineDeps {
  bus: Bus;
  investigator: Investigator;
  calibration: Pick<CalibrationStore, "recordProposal">;
  metrics: InvestigatorMetrics;
  /** Cluster time now (the cache's clock), for `proposedAt`. */
  now(): number;
  /** LLM_MODEL, when a model is configured: what the tokens of llm proposals and of failed attempts are counted on. */
  model?: string;
  /** LLM_BUDGET_TIME: the investigation's signal aborts past it. */
  wallBudgetMs: number;
}

/** What the first delivery decided, handed to later ones by `ctx.once`. */
interface Proposed {
  proposal: ProposalMessage;
  path: InvestigationPath;
  fallbackReason?: AgentFailure;
  toolCalls: number;
}

export class DiagnosisPipeline {
  constructor(private readonly deps: DiagnosisPipelineDeps) {}

  async start(concurrency: number): Promise<void> {
    await this.deps.bus.consume({
      topic: topics.diagnoses,
      durable: DIAGNOSES_DURABLE,
      concurrency,
      // Slow handlers (a model investigating for minutes): pull no more than can start, so none waits past its ack deadline.
      pullBatch: concurrency,
      handlerTimeoutMs: this.deps.wallBudgetMs + HANDLER_MARGIN_MS,
      handler: (diagnosis, ctx) => this.handle(diagnosis, ctx),
    });
  }

  async handle(diagnosis: DiagnosisMessage, hctx: HandlerContext): Promise<void> {
    const { bus, calibration, metrics } = this.deps;
    const log = hctx.log.child({ incidentId: diagnosis.incidentId, correlationId: diagnosis.correlationId, diagnosisId: diagnosis.id });
    const startedAt = performance.now();
    let fresh = false;
    const made = await hctx.once("proposal", async () => {
      fresh = true;
      return this.propose(diagnosis, hctx.signal, startedAt);
    });
    const { proposal, path } = made;
    await bus.publish(topics.actionsProposed, proposal);
    await calibration.recordProposal(proposal);
    if (!fresh) {
      log.info({ proposalId: proposal.id }, "proposal republished (redelivery)");
      return;
    }
    const spent = proposal.tokens.prompt + proposal.tokens.completion > 0;
    metrics.proposed(proposal, path, spent ? (proposal.model ?? this.deps.model ?? "unknown") : undefined, proposal.latencyMs / 1000);
    if (made.fallbackReason) metrics.fallbacks.inc({ reason: made.fallbackReason });
    log.info(
      {
        proposalId: proposal.id,
        kind: proposal.kind,
        action: proposal.kind === "action" ? proposal.action : proposal.kind === "escalate" ? proposal.suggestedAction : undefined,
        source: proposal.source,
        path,
        ...(made.fallbackReason ? { fallbackReason: made.fallbackReason } : {}),
        confidence: proposal.confidence,
        toolCalls: made.toolCalls,
        tokens: proposal.tokens,
        estimatedCostUsd: proposal.estimatedCostUsd,
        latencyMs: Math.round(proposal.latencyMs),
      },
      "proposal published",
    );
  }

  private async propose(diagnosis: DiagnosisMessage, handlerSignal: AbortSignal, startedAt: number): Promise<Proposed> {
    const signal = AbortSignal.any([handlerSignal, AbortSignal.timeout(this.deps.wallBudgetMs)]);
    const investigated = await this.deps.investigator.investigate(diagnosis, { signal });
    const candidate = {
      ...derive(diagnosis, { id: proposalIdFor(diagnosis.id) }),
      diagnosisId: diagnosis.id,
      proposedAt: new Date(this.deps.now()).toISOString(),
      latencyMs: performance.now() - startedAt,
      ...investigated.decision,
    };
    const parsed = proposalMessage.safeParse(candidate);
    if (!parsed.success) {
      throw new PermanentError(
        `the ${investigated.path} decision about diagnosis ${diagnosis.id} is not a valid proposal: ${describeZodError(parsed.error)}`,
      );
    }
    return {
      proposal: parsed.data,
      path: investigated.path,
      ...(investigated.fallbackReason ? { fallbackReason: investigated.fallbackReason } : {}),
      toolCalls: investigated.toolCalls,
    };
  }
}

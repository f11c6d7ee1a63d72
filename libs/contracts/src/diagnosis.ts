import { z } from "zod";
import { alertStatus } from "./alert.js";
import { catalogActionName } from "./catalog/index.js";
import { evidence, hypothesis } from "./evidence.js";
import { findingCode } from "./finding-codes.js";
import { messageId, resourceRef, timestamp } from "./message.js";
import { pipelineBase } from "./pipeline.js";

export const findingSeverity = z.enum(["info", "warning", "critical"]);
export type FindingSeverity = z.infer<typeof findingSeverity>;

export const diagnosisOutcome = z.enum(["issue_found", "no_issue_found", "target_not_found"]);
export type DiagnosisOutcome = z.infer<typeof diagnosisOutcome>;

export const finding = z.object({
  code: findingCode,
  severity: findingSeverity,
  /** Registry name of the analyzer that produced it. */
  analyzer: z.string().min(1),
  /** The object the finding is about (a container of a pod, a node, a PVC...). */
  resource: resourceRef,
  summary: z.string().min(1),
  detail: z.string(),
  evidence: z.array(evidence).default([]),
});
export type Finding = z.infer<typeof finding>;

/** Context a human (or a model) reads with the findings: recent events, rollouts, node pressure. */
export const diagnosisContext = z.object({
  /** `kubectl describe`-like summary of the target, already trimmed. */
  describe: z.string().optional(),
  recentEvents: z
    .array(
      z.object({
        type: z.string(),
        reason: z.string(),
        message: z.string(),
        count: z.number().int().positive(),
        lastSeen: timestamp.optional(),
        ref: resourceRef,
      }),
    )
    .default([]),
  rollouts: z
    .array(
      z.object({
        revision: z.number().int().positive(),
        at: timestamp.optional(),
        changeCause: z.string().optional(),
        images: z.array(z.string()).default([]),
      }),
    )
    .default([]),
  nodePressure: z
    .object({
      node: z.string().min(1),
      memAvailableBytes: z.number().nonnegative().optional(),
      psiMemorySomeAvg10: z.number().nonnegative().optional(),
      swapTrend: z.enum(["flat", "spiky", "rising"]).optional(),
      oomKills: z.object({ container: z.number().int().nonnegative(), node: z.number().int().nonnegative() }).optional(),
    })
    .optional(),
});
export type DiagnosisContext = z.infer<typeof diagnosisContext>;

/** `vigil.analysis.completed`: what the analyzer concluded about an incident's alert from cluster state. */
export const diagnosisMessage = pipelineBase
  .extend({
    /** Every alert grouped into the incident so far; includes `causationId`, the one that triggered this analysis. */
    alertIds: z.array(messageId).min(1),
    alertStatus,
    outcome: diagnosisOutcome,
    /** What the alert points at (a pod, a node...), when it names something; `owner` is what owns it. */
    target: resourceRef.optional(),
    /** From the target up to the owner, e.g. Pod → ReplicaSet → Deployment. */
    ownerChain: z.array(resourceRef).default([]),
    summary: z.string().min(1),
    severity: findingSeverity,
    findings: z.array(finding).default([]),
    /** Best first. */
    hypotheses: z.array(hypothesis).default([]),
    /** Catalog actions worth considering, best first; the investigator decides. */
    candidateActions: z.array(catalogActionName).default([]),
    relatedResources: z.array(resourceRef).default([]),
    context: diagnosisContext.default({ recentEvents: [], rollouts: [] }),
    /** Alerts grouped into the incident so far, counting repeats. */
    occurrences: z.number().int().positive(),
    analyzedAt: timestamp,
    durationMs: z.number().nonnegative(),
  })
  .superRefine((d, ctx) => {
    if (!d.alertIds.includes(d.causationId)) {
      ctx.addIssue({ code: "custom", path: ["alertIds"], message: `must include the causing alert ${d.causationId}` });
    }
    if (d.outcome === "issue_found" && d.findings.length === 0) {
      ctx.addIssue({ code: "custom", path: ["findings"], message: "an issue_found diagnosis needs at least one finding" });
    }
    if (d.outcome !== "issue_found") {
      d.findings.forEach((f, i) => {
        if (f.severity !== "info")
          ctx.addIssue({
            code: "custom",
            path: ["findings", i, "severity"],
            message: `a ${d.outcome} diagnosis has no ${f.severity} findings`,
          });
      });
    }
    const ids = new Set<string>();
    d.findings.forEach((f, i) =>
      f.evidence.forEach((e, j) => {
        if (ids.has(e.id))
          ctx.addIssue({ code: "custom", path: ["findings", i, "evidence", j, "id"], message: `duplicate evidence id ${e.id}` });
        ids.add(e.id);
      }),
    );
    d.hypotheses.forEach((h, i) => {
      h.evidenceRefs.forEach((ref, j) => {
        if (!ids.has(ref))
          ctx.addIssue({
            code: "custom",
            path: ["hypotheses", i, "evidenceRefs", j],
            message: `no evidence with id ${ref} in this diagnosis`,
          });
      });
      const prev = d.hypotheses[i - 1];
      if (prev && h.confidence > prev.confidence) {
        ctx.addIssue({
          code: "custom",
          path: ["hypotheses", i, "confidence"],
          message: "hypotheses are ranked: confidence must not exceed the one before",
        });
      }
    });
  });
export type DiagnosisMessage = z.infer<typeof diagnosisMessage>;

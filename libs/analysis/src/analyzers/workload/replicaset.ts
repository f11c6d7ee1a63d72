// A ReplicaSet whose pods cannot be created: condition ReplicaFailure=True (reason FailedCreate), set when
// the API server refuses the pod (ResourceQuota exceeded, a PodSecurity or webhook admission denial, a
// missing ServiceAccount). The condition message is the API server's refusal, word for word.
import type { V1ReplicaSet } from "@kubernetes/client-node";
import { defineAnalyzer, type AnalysisContext, type FindingDraft, type HypothesisDraft } from "../../analyzer-definition.js";
import { eventEvidence, objectEvidence, refOf } from "../../evidence.js";
import { conditionOf, eventsOf, latestWarning } from "./workload-facts.js";

function hypothesesFor(message: string): HypothesisDraft[] {
  if (/exceeded quota|forbidden: exceeded/i.test(message))
    return [
      { statement: "A ResourceQuota of the namespace is exhausted: raise it or free capacity", confidence: 0.85, actions: ["escalate"] },
    ];
  if (/violates PodSecurity|admission webhook|denied the request/i.test(message))
    return [
      { statement: "An admission policy (PodSecurity or a webhook) refuses the pod template", confidence: 0.8, actions: ["escalate"] },
    ];
  if (/serviceaccount .* not found/i.test(message))
    return [{ statement: "The pod template names a ServiceAccount that does not exist", confidence: 0.85, actions: ["escalate"] }];
  if (/LimitRange|must be less than or equal|minimum/i.test(message))
    return [{ statement: "The pod's resources violate the namespace's LimitRange", confidence: 0.75, actions: ["escalate"] }];
  return [{ statement: "The API server refuses the ReplicaSet's pods", confidence: 0.5, actions: ["escalate"] }];
}

function failedCreate(rs: V1ReplicaSet, ctx: AnalysisContext): FindingDraft[] {
  const cond = conditionOf(rs.status?.conditions, "ReplicaFailure");
  if (cond?.status !== "True") return [];
  const message = cond.message ?? cond.reason ?? "pods cannot be created";
  const desired = rs.spec?.replicas ?? 1;
  const existing = rs.status?.replicas ?? 0;
  const event = latestWarning(eventsOf(rs, ctx), "FailedCreate");
  const name = `${rs.metadata?.namespace ?? ""}/${rs.metadata?.name ?? ""}`;
  return [
    {
      code: "REPLICASET_FAILED_CREATE",
      severity: existing === 0 && desired > 0 ? "critical" : "warning",
      resource: refOf(rs),
      summary: `ReplicaSet ${name} cannot create pods (${existing}/${desired}): ${message}`,
      detail: `ReplicaFailure=True, reason ${cond.reason ?? "FailedCreate"}: ${message}`,
      evidence: [
        objectEvidence(rs, `ReplicaFailure=True (${cond.reason ?? "FailedCreate"})`, { replicas: desired, existing, message }),
        ...(event ? [eventEvidence(event)] : []),
      ],
      hypotheses: hypothesesFor(`${message} ${event?.message ?? ""}`),
    },
  ];
}

export const replicaSetAnalyzer = defineAnalyzer({ name: "replicaset", area: "workload", kind: "ReplicaSet", analyze: failedCreate });

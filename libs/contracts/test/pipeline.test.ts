import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { z } from "zod";
import {
  approvalDecidedMessage,
  approvalRequestedMessage,
  assessmentMessage,
  derive,
  diagnosisMessage,
  executionMessage,
  incidentMessage,
  pipelineSchemaVersion,
  proposalMessage,
  topics,
} from "../src/index.js";
import { issuePaths } from "./helpers.js";
import {
  alert,
  approvalDecided,
  approvalRequested,
  assessment,
  diagnosis,
  execution,
  incidentOpened,
  proposal,
  variants,
} from "@vigil/contracts/testing";

const pipeline: Array<[string, z.ZodType, Record<string, unknown>]> = [
  ["incident", incidentMessage, incidentOpened],
  ["diagnosis", diagnosisMessage, diagnosis],
  ["proposal", proposalMessage, proposal],
  ["execution", executionMessage, execution],
  ["approval requested", approvalRequestedMessage, approvalRequested],
  ["approval decided", approvalDecidedMessage, approvalDecided],
  ["assessment", assessmentMessage, assessment],
];

const withDiagnosis = (patch: Record<string, unknown>) => ({ ...diagnosis, ...patch });
const withProposal = (patch: Record<string, unknown>) => ({ ...proposal, ...patch });
const withExecution = (patch: Record<string, unknown>) => ({ ...execution, ...patch });

describe("pipeline base", () => {
  it("every pipeline message names its incident, alert, owner, cause and schema version", () => {
    for (const [name, schema, sample] of pipeline) {
      for (const field of ["incidentId", "alertname", "fingerprint", "owner", "causationId", "schemaVersion"]) {
        const { [field]: _dropped, ...rest } = sample;
        assert.deepEqual(issuePaths(schema, rest), [field], `${name} without ${field}`);
      }
      assert.deepEqual(issuePaths(schema, { ...sample, schemaVersion: 1 }), ["schemaVersion"], `${name} of schema version 1`);
    }
  });

  it("derive carries correlation, incident, alert and owner, and points at the parent", () => {
    const child = derive(diagnosis, { id: "prop_9" });
    assert.deepEqual(child, {
      id: "prop_9",
      correlationId: alert.correlationId,
      schemaVersion: pipelineSchemaVersion,
      incidentId: diagnosis.incidentId,
      alertname: "KubePodCrashLooping",
      fingerprint: alert.fingerprint,
      owner: { kind: "Deployment", name: "cart", namespace: "shop" },
      causationId: "diag_1",
    });
    child.owner.name = "changed";
    assert.equal(diagnosis.owner.name, "cart", "the owner is copied, not shared");
  });

  it("the samples form one causal chain from the alert to the assessment", () => {
    assert.equal(diagnosis.causationId, alert.id);
    assert.equal(proposal.causationId, diagnosis.id);
    assert.equal(approvalRequested.causationId, proposal.id);
    assert.equal(approvalDecided.causationId, approvalRequested.id);
    assert.equal(execution.causationId, proposal.id);
    assert.equal(assessment.causationId, execution.id);
    for (const [, , m] of pipeline) assert.equal(m["incidentId"], incidentOpened.incidentId);
  });
});

describe("diagnosis", () => {
  it("hypotheses may only reference evidence the diagnosis contains", () => {
    const hypotheses = [{ ...diagnosis.hypotheses[0]!, evidenceRefs: ["ev1", "ev99"] }];
    assert.deepEqual(issuePaths(diagnosisMessage, withDiagnosis({ hypotheses })), ["hypotheses.0.evidenceRefs.1"]);
  });

  it("evidence ids are unique across findings", () => {
    const [first, second] = diagnosis.findings;
    const findings = [first!, { ...second!, evidence: [{ ...second!.evidence[0]!, id: "ev1" }] }];
    assert.deepEqual(issuePaths(diagnosisMessage, withDiagnosis({ findings, hypotheses: [] })), ["findings.1.evidence.0.id"]);
  });

  it("hypotheses are ranked best first", () => {
    const hypotheses = [...diagnosis.hypotheses].reverse();
    assert.deepEqual(issuePaths(diagnosisMessage, withDiagnosis({ hypotheses })), ["hypotheses.1.confidence"]);
  });

  it("finding codes and candidate actions come from fixed vocabularies", () => {
    const findings = [{ ...diagnosis.findings[0]!, code: "POD_SAD" }, diagnosis.findings[1]!];
    assert.deepEqual(issuePaths(diagnosisMessage, withDiagnosis({ findings })), ["findings.0.code"]);
    assert.deepEqual(issuePaths(diagnosisMessage, withDiagnosis({ candidateActions: ["increase_resources", "reboot_cluster"] })), [
      "candidateActions.1",
    ]);
  });

  it("outcomes are consistent with findings and the causing alert is among the alerts", () => {
    assert.deepEqual(issuePaths(diagnosisMessage, withDiagnosis({ findings: [], hypotheses: [] })), ["findings"]);
    assert.deepEqual(issuePaths(diagnosisMessage, withDiagnosis({ outcome: "no_issue_found" })), [
      "findings.0.severity",
      "findings.1.severity",
    ]);
    assert.deepEqual(issuePaths(diagnosisMessage, withDiagnosis({ alertIds: ["other"] })), ["alertIds"]);
    const healthy = diagnosisMessage.parse(withDiagnosis({ outcome: "no_issue_found", findings: [], hypotheses: [], severity: "info" }));
    assert.equal(healthy.outcome, "no_issue_found");
    assert.equal(
      diagnosisMessage.parse(withDiagnosis({ outcome: "target_not_found", findings: [], hypotheses: [], target: undefined })).outcome,
      "target_not_found",
    );
  });
});

describe("proposal", () => {
  it("an unknown action is rejected at `action`", () => {
    assert.deepEqual(issuePaths(proposalMessage, withProposal({ action: "reboot_cluster" })), ["action"]);
  });

  it("parameters are validated against the action's schema, with the field named", () => {
    const bad = proposalMessage.safeParse(withProposal({ action: "scale_deployment", parameters: { replicas: 5000 } }));
    assert.equal(bad.success, false);
    assert.deepEqual(
      bad.error.issues.map((i) => [i.path.join("."), i.message]),
      [["parameters.replicas", "must be ≤ 1000"]],
    );
    assert.deepEqual(
      issuePaths(proposalMessage, withProposal({ parameters: { container: "app", resource: "memory", limit: { factor: 9 } } })),
      ["parameters.limit.factor"],
    );
    assert.deepEqual(
      issuePaths(proposalMessage, withProposal({ parameters: { ...(proposal as { parameters: object }).parameters, replicas: 3 } })),
      ["parameters.replicas"],
    );
  });

  it("the target must be a kind the action acts on", () => {
    const target = { kind: "Node", name: "worker-1" };
    assert.deepEqual(issuePaths(proposalMessage, withProposal({ target })), ["target.kind"]);
  });

  it("names its model (llm) or its rule (rules), and non-actions give reasons", () => {
    assert.deepEqual(issuePaths(proposalMessage, withProposal({ source: "llm" })), ["model"]);
    assert.deepEqual(issuePaths(proposalMessage, withProposal({ ruleId: undefined })), ["ruleId"]);
    assert.deepEqual(issuePaths(proposalMessage, { ...variants.escalate, reasons: [] }), ["reasons"]);
    assert.deepEqual(issuePaths(proposalMessage, { ...variants.noAction, kind: "maybe" }), ["kind"]);
    assert.deepEqual(issuePaths(proposalMessage, { ...variants.escalate, tokens: { prompt: -1, completion: 0 } }), ["tokens.prompt"]);
  });
});

describe("execution record", () => {
  it("its status cannot contradict the policy decision or the approval state", () => {
    assert.deepEqual(issuePaths(executionMessage, { ...variants.rejected, status: "succeeded" }), ["status"]);
    const pending = {
      ...execution.policy,
      decision: "requires_approval",
      approval: { ...execution.policy.approval, state: "pending", approvers: [] },
    };
    assert.deepEqual(issuePaths(executionMessage, withExecution({ status: "expired", policy: pending })), ["policy.approval.state"]);
    assert.equal(executionMessage.parse(withExecution({ status: "pending_approval", policy: pending })).status, "pending_approval");
  });

  it("a denial names the rule that denied, and a failure says why", () => {
    const policy = { ...variants.rejected.policy, matched: [{ ruleId: "cooldown", effect: "allow", reason: "x" }] };
    assert.deepEqual(issuePaths(executionMessage, { ...variants.rejected, policy }), ["policy.matched"]);
    assert.deepEqual(issuePaths(executionMessage, withExecution({ status: "failed" })), ["error"]);
    const forbidden = withExecution({
      status: "failed",
      error: {
        message: 'deployments.apps "cart" is forbidden',
        httpStatus: 403,
        missingPermission: { apiGroup: "apps", resource: "deployments", verb: "patch" },
      },
    });
    assert.equal(executionMessage.parse(forbidden).error?.missingPermission?.verb, "patch");
  });

  it("two-person approval needs two distinct approvers", () => {
    const approval = {
      ...execution.policy.approval,
      required: 2,
      approvers: [execution.policy.approval.approvers[0]!, execution.policy.approval.approvers[0]!],
    };
    assert.deepEqual(issuePaths(executionMessage, withExecution({ policy: { ...execution.policy, approval } })), [
      "policy.approval.approvers",
    ]);
    const second = { by: "carol@example.com", at: execution.startedAt };
    const ok = { ...approval, approvers: [approval.approvers[0]!, second] };
    assert.equal(
      executionMessage.parse(withExecution({ policy: { ...execution.policy, approval: ok } })).policy.approval.approvers.length,
      2,
    );
  });

  it("kubernetes operations are recorded with verb, resource and dry-run flag", () => {
    const operations = [{ verb: "evict", apiGroup: "", resource: "pods", dryRun: false }];
    assert.deepEqual(issuePaths(executionMessage, withExecution({ operations })), ["operations.0.verb"]);
  });
});

describe("approval", () => {
  it("the request's hash is the sha256 of its diff, and it expires after it was made", () => {
    assert.deepEqual(issuePaths(approvalRequestedMessage, { ...approvalRequested, diff: approvalRequested.diff + "+1\n" }), ["diffHash"]);
    assert.deepEqual(issuePaths(approvalRequestedMessage, { ...approvalRequested, expiresAt: approvalRequested.requestedAt }), [
      "expiresAt",
    ]);
    assert.deepEqual(issuePaths(approvalRequestedMessage, { ...approvalRequested, approvalsRequired: 3 }), ["approvalsRequired"]);
  });

  it("a decision names who made it (unless it expired) and the request it decides", () => {
    const { by: _by, ...anonymous } = approvalDecided;
    assert.deepEqual(issuePaths(approvalDecidedMessage, anonymous), ["by"]);
    assert.equal(approvalDecidedMessage.parse({ ...anonymous, decision: "expired" }).decision, "expired");
    assert.deepEqual(issuePaths(approvalDecidedMessage, { ...approvalDecided, causationId: "prop_1" }), ["causationId"]);
    assert.deepEqual(issuePaths(approvalDecidedMessage, { ...approvalDecided, diffHash: "abc" }), ["diffHash"]);
  });
});

describe("effectiveness assessment", () => {
  it("has a score exactly when the outcome is scored", () => {
    assert.deepEqual(issuePaths(assessmentMessage, { ...assessment, outcome: "insufficient_data" }), ["score"]);
    assert.deepEqual(issuePaths(assessmentMessage, { ...variants.notApplicable, score: 0.5 }), ["score"]);
    assert.deepEqual(issuePaths(assessmentMessage, { ...assessment, score: null }), ["score"]);
    assert.deepEqual(issuePaths(assessmentMessage, { ...assessment, score: 1.2 }), ["score"]);
  });

  it("never scores a window that has not ended, and needs the alertname for aggregates", () => {
    const windows = { ...assessment.windows!, after: { from: assessment.windows!.after.from, to: "2026-11-22T06:00:00.000Z" } };
    assert.deepEqual(issuePaths(assessmentMessage, { ...assessment, windows }), ["windows.after.to"]);
    const { alertname: _a, ...noAlertname } = assessment;
    assert.deepEqual(issuePaths(assessmentMessage, noAlertname), ["alertname"]);
    const components = [...assessment.components, assessment.components[0]!];
    assert.deepEqual(issuePaths(assessmentMessage, { ...assessment, components }), ["components.4.name"]);
  });
});

describe("incident lifecycle", () => {
  it("is published by event, and its state matches the event", () => {
    assert.equal(topics.incidents.subjectOf(incidentOpened), "vigil.incidents.opened");
    assert.deepEqual(issuePaths(incidentMessage, { ...incidentOpened, event: "resolved" }), ["incident.status"]);
    assert.deepEqual(issuePaths(incidentMessage, { ...incidentOpened, incident: { ...incidentOpened.incident, incidentId: "other" } }), [
      "incident.incidentId",
    ]);
    assert.deepEqual(issuePaths(incidentMessage, { ...incidentOpened, incident: { ...incidentOpened.incident, alerts: [] } }), [
      "incident.alerts",
    ]);
  });
});

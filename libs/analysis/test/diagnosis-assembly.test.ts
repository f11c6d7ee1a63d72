// How a diagnosis is put together from analyzer findings, without a cluster: evidence numbered and shared,
// findings in reading order (main finding first), hypotheses merged and ranked, actions from the catalog only.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { ActionName, FindingCode, FindingSeverity, ResourceRef } from "@vigil/contracts";
import type { EvidenceDraft, HypothesisDraft } from "../src/analyzer-definition.js";
import { describeText, DESCRIBE_MAX_CHARS } from "../src/diagnosis/context/describe-text.js";
import { numberEvidence } from "../src/diagnosis/evidence-ids.js";
import { maxSeverity, orderFindings, relevance } from "../src/diagnosis/finding-order.js";
import { buildHypotheses } from "../src/diagnosis/hypotheses.js";
import { noTroubleReason } from "../src/diagnosis/no-trouble-alerts.js";
import type { AnalyzerFinding } from "../src/run-analyzers.js";

const pod = (name: string, container?: string): ResourceRef => ({
  kind: "Pod",
  name,
  namespace: "shop",
  ...(container ? { container } : {}),
});
const deployment: ResourceRef = { kind: "Deployment", name: "web", namespace: "shop" };
const service: ResourceRef = { kind: "Service", name: "web", namespace: "shop" };

const backOff: EvidenceDraft = {
  kind: "event",
  summary: "BackOff: Back-off restarting failed container api",
  ref: pod("web-1"),
  type: "Warning",
  reason: "BackOff",
  message: "Back-off restarting failed container api",
  count: 7,
  firstSeen: "2026-12-07T10:00:00.000Z",
  lastSeen: "2026-12-07T10:05:00.000Z",
};
const objectOf = (ref: ResourceRef, fields: Record<string, unknown>): EvidenceDraft => ({
  kind: "object",
  summary: "as analyzed",
  ref,
  resourceVersion: "42",
  fields,
});

function finding(
  code: FindingCode,
  resource: ResourceRef,
  severity: FindingSeverity = "warning",
  evidence: EvidenceDraft[] = [],
  hypotheses: HypothesisDraft[] = [],
): AnalyzerFinding {
  return { code, severity, resource, summary: `${code} on ${resource.name}`, detail: "", evidence, hypotheses, analyzer: "test" };
}

describe("evidence numbering", () => {
  test("one event cited by two findings gets one id, listed once, cited by both", () => {
    const { listed, cited } = numberEvidence([
      [backOff, objectOf(pod("web-1", "api"), { lastState: "OOMKilled" })],
      [{ ...backOff, count: 8 }],
    ]);
    assert.deepEqual(
      listed.map((l) => l.map((e) => e.id)),
      [["e1", "e2"], []],
    );
    assert.deepEqual(cited, [["e1", "e2"], ["e1"]]);
  });

  test("the same object with different fields is two facts; the same fields are one", () => {
    const a = objectOf(deployment, { replicas: 3, ready: 1 });
    const { listed, cited } = numberEvidence([
      [a],
      [objectOf(deployment, { ready: 1, replicas: 3 })],
      [objectOf(deployment, { paused: true })],
    ]);
    assert.deepEqual(cited, [["e1"], ["e1"], ["e2"]]);
    assert.equal(listed.flat().length, 2);
  });
});

describe("finding order", () => {
  const ctx = {
    target: pod("web-1", "api"),
    owners: [{ kind: "ReplicaSet", name: "web-7d9", namespace: "shop" }, deployment],
    podKeys: new Set(["Pod/shop/web-1", "Pod/shop/web-2"]),
  };

  test("relevance: the alert's container, its owners, its pods, the rest", () => {
    assert.equal(relevance(pod("web-1", "api"), ctx), 0);
    assert.equal(relevance(pod("web-1"), ctx), 0);
    assert.equal(relevance(pod("web-1", "sidecar"), ctx), 1);
    assert.equal(relevance(deployment, ctx), 1);
    assert.equal(relevance(pod("web-2", "api"), ctx), 2);
    assert.equal(relevance(service, ctx), 3);
  });

  test("the alert's own container first, the cause before its symptom, info last", () => {
    const ordered = orderFindings(
      [
        finding("SERVICE_NO_READY_ENDPOINTS", service, "critical"),
        finding("DEPLOYMENT_REPLICAS_UNAVAILABLE", deployment, "critical"),
        finding("POD_CRASH_LOOP", pod("web-1", "api"), "critical"),
        finding("DEPLOYMENT_ROLLOUT_PAUSED", deployment, "info"),
        finding("POD_OOM_KILLED", pod("web-2", "api"), "critical"),
        // A warning-level cause on the alert's container precedes the critical crash loop it explains.
        finding("POD_LIVENESS_PROBE_FAILING", pod("web-1", "api"), "warning"),
      ],
      ctx,
    );
    assert.deepEqual(
      ordered.map((f) => `${f.code}@${f.resource.name}`),
      [
        "POD_LIVENESS_PROBE_FAILING@web-1",
        "POD_CRASH_LOOP@web-1",
        "DEPLOYMENT_REPLICAS_UNAVAILABLE@web",
        "POD_OOM_KILLED@web-2",
        "SERVICE_NO_READY_ENDPOINTS@web",
        "DEPLOYMENT_ROLLOUT_PAUSED@web",
      ],
    );
  });

  test("OOMKilled before the kernel's corroboration and the crash loop on one container", () => {
    const ordered = orderFindings(
      [
        finding("POD_CRASH_LOOP", pod("web-1", "api"), "critical"),
        finding("KERNEL_CONTAINER_OOM", pod("web-1", "api"), "critical"),
        finding("POD_OOM_KILLED", pod("web-1", "api"), "critical"),
      ],
      ctx,
    );
    assert.deepEqual(
      ordered.map((f) => f.code),
      ["POD_OOM_KILLED", "KERNEL_CONTAINER_OOM", "POD_CRASH_LOOP"],
    );
  });

  test("severity is the worst finding's, info without findings", () => {
    assert.equal(maxSeverity([]), "info");
    assert.equal(maxSeverity(["info", "critical", "warning"]), "critical");
  });
});

describe("hypotheses", () => {
  const limit: HypothesisDraft = {
    statement: "The memory limit is below the working set.",
    confidence: 0.8,
    actions: ["increase_resources"],
  };

  test("the same statement from two kinds of observation on different evidence combines", () => {
    const findings = [
      finding("POD_OOM_KILLED", pod("web-1", "api"), "critical", [], [limit]),
      finding(
        "KERNEL_CONTAINER_OOM",
        pod("web-1", "api"),
        "critical",
        [],
        [{ ...limit, statement: "the memory limit is below  the working set", confidence: 0.5 }],
      ),
    ];
    const { hypotheses } = buildHypotheses(findings, [["e1"], ["e2"]]);
    assert.equal(hypotheses.length, 1);
    assert.equal(hypotheses[0]!.confidence, 0.9); // 1 - 0.2 * 0.5
    assert.deepEqual(hypotheses[0]!.evidenceRefs, ["e1", "e2"]);
    assert.equal(hypotheses[0]!.status, "supported");
  });

  test("one finding repeated on replicas, or two findings sharing evidence, do not add up", () => {
    const replicas = [
      finding("POD_OOM_KILLED", pod("web-1", "api"), "critical", [], [limit]),
      finding("POD_OOM_KILLED", pod("web-2", "api"), "critical", [], [limit]),
    ];
    assert.equal(buildHypotheses(replicas, [["e1"], ["e2"]]).hypotheses[0]!.confidence, 0.8);
    const shared = [
      finding("POD_OOM_KILLED", pod("web-1", "api"), "critical", [], [limit]),
      finding("POD_CRASH_LOOP", pod("web-1", "api"), "critical", [], [{ ...limit, confidence: 0.6 }]),
    ];
    assert.equal(buildHypotheses(shared, [["e1", "e2"], ["e2"]]).hypotheses[0]!.confidence, 0.8);
  });

  test("ranked by confidence, weak ones open, actions from the catalog only, best hypothesis first", () => {
    const findings = [
      finding(
        "POD_CRASH_LOOP",
        pod("web-1", "api"),
        "critical",
        [],
        [
          { statement: "a bad release", confidence: 0.3, actions: ["rollback_deployment", "not_an_action" as ActionName] },
          { statement: "a missing environment variable", confidence: 0.7, actions: ["escalate", "notify_only"] },
        ],
      ),
      finding(
        "DEPLOYMENT_REPLICAS_UNAVAILABLE",
        deployment,
        "critical",
        [],
        [{ statement: "the pods fail", confidence: 0.7, actions: ["notify_only", "rollout_restart"] }],
      ),
    ];
    const { hypotheses, candidateActions } = buildHypotheses(findings, [["e1"], ["e2"]]);
    assert.deepEqual(
      hypotheses.map((h) => [h.statement, h.confidence, h.status]),
      [
        ["a missing environment variable", 0.7, "supported"],
        ["the pods fail", 0.7, "supported"],
        ["a bad release", 0.3, "open"],
      ],
    );
    assert.deepEqual(candidateActions, ["escalate", "notify_only", "rollout_restart", "rollback_deployment"]);
  });

  test("corroborating evidence is cited without counting as independent support", () => {
    const findings = [
      finding("POD_OOM_KILLED", pod("web-1", "api"), "critical", [], [limit]),
      finding("KERNEL_CONTAINER_OOM", pod("web-1", "api"), "critical", [], [limit]),
    ];
    const { hypotheses } = buildHypotheses(findings, [["e1"], ["e2"]], new Map([[0, ["e2"]]]));
    assert.deepEqual(hypotheses[0]!.evidenceRefs, ["e1", "e2"]);
    assert.equal(hypotheses[0]!.confidence, 0.96);
  });
});

test("alerts that mean no trouble are listed in one place", () => {
  assert.match(noTroubleReason("Watchdog") ?? "", /alerting pipeline/);
  assert.ok(noTroubleReason("InfoInhibitor"));
  assert.equal(noTroubleReason("KubePodCrashLooping"), undefined);
});

test("the describe text is short and says what matters of a pod", () => {
  const text = describeText({
    kind: "Pod",
    apiVersion: "v1",
    metadata: {
      name: "web-1",
      namespace: "shop",
      labels: Object.fromEntries(Array.from({ length: 400 }, (_, i) => [`label-${i}`, "x".repeat(20)])),
    },
    spec: { nodeName: "worker-1", containers: [{ name: "api", image: "shop/web:1.0", resources: { limits: { memory: "256Mi" } } }] },
    status: {
      phase: "Running",
      containerStatuses: [
        {
          name: "api",
          image: "shop/web:1.0",
          imageID: "",
          ready: false,
          restartCount: 4,
          state: { waiting: { reason: "CrashLoopBackOff" } },
          lastState: { terminated: { reason: "OOMKilled", exitCode: 137 } },
        },
      ],
    },
  } as never);
  assert.ok(text.length <= DESCRIBE_MAX_CHARS);
  assert.match(text, /^Name: web-1\nNamespace: shop\nKind: Pod/);
  const short = describeText({
    kind: "Pod",
    apiVersion: "v1",
    metadata: { name: "web-1", namespace: "shop" },
    spec: { nodeName: "worker-1", containers: [{ name: "api", image: "shop/web:1.0", resources: { limits: { memory: "256Mi" } } }] },
    status: {
      phase: "Running",
      containerStatuses: [
        {
          name: "api",
          image: "",
          imageID: "",
          ready: false,
          restartCount: 4,
          state: { waiting: { reason: "CrashLoopBackOff" } },
          lastState: { terminated: { reason: "OOMKilled", exitCode: 137 } },
        },
      ],
    },
  } as never);
  assert.match(short, /State: Waiting \(CrashLoopBackOff\); Ready: false; Restarts: 4/);
  assert.match(short, /Last State: Terminated \(OOMKilled, exit 137\)/);
  assert.match(short, /memory limit 256Mi/);
});

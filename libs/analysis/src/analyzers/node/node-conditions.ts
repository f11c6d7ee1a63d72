// Node conditions that mean trouble (see condition-polarity.ts for which do):
// - Ready False or Unknown (the kubelet stopped posting status) → NODE_NOT_READY; the kubelet's other conditions
//   then read Unknown too and are not findings of their own;
// - MemoryPressure / DiskPressure / PIDPressure / NetworkUnavailable True → their codes, with the evictions the
//   pressure caused and, for memory, the pod most above its request;
// - a known problem condition in its bad state → NODE_CONDITION_FAILING.
import type { V1Node, V1NodeCondition } from "@kubernetes/client-node";
import type { FindingCode } from "@vigil/contracts";
import {
  defineAnalyzer,
  type AnalysisContext,
  type EvidenceDraft,
  type FindingDraft,
  type HypothesisDraft,
} from "../../analyzer-definition.js";
import { eventEvidence, iso, objectEvidence, refOf } from "../../evidence.js";
import { KUBELET_PROBLEMS, PROBLEM_WHEN_FALSE, PROBLEM_WHEN_TRUE } from "./condition-polarity.js";
import { evictedMemoryCulprit, evictedPods, memoryCulprit } from "./pressure-culprits.js";

const MI = 1024 ** 2;

const conditionFields = (c: V1NodeCondition) => ({
  type: c.type,
  status: c.status,
  reason: c.reason,
  message: c.message,
  lastTransitionTime: iso(c.lastTransitionTime),
  lastHeartbeatTime: iso(c.lastHeartbeatTime),
});

function nodeEvents(ctx: AnalysisContext, node: V1Node, reasons: RegExp): EvidenceDraft[] {
  return ctx.cache
    .eventsFor({ kind: "Node", name: node.metadata?.name ?? "", ...(node.metadata?.uid ? { uid: node.metadata.uid } : {}) })
    .filter((e) => reasons.test(e.reason ?? ""))
    .slice(-3)
    .map(eventEvidence);
}

export const nodeConditionsAnalyzer = defineAnalyzer({
  name: "node-conditions",
  area: "node",
  kind: "Node",
  analyze(node, ctx) {
    const conditions = node.status?.conditions ?? [];
    const ready = conditions.find((c) => c.type === "Ready");
    if (ready && ready.status !== "True") return [notReady(node, ready, ctx)];
    const out: FindingDraft[] = [];
    for (const c of conditions) {
      const kubelet = KUBELET_PROBLEMS.get(c.type);
      if (kubelet && c.status === "True") out.push(pressure(node, c, kubelet.code, kubelet.what, ctx));
      else if ((PROBLEM_WHEN_TRUE.has(c.type) && c.status === "True") || (PROBLEM_WHEN_FALSE.has(c.type) && c.status === "False")) {
        out.push(failing(node, c));
      }
    }
    return out;
  },
});

function notReady(node: V1Node, ready: V1NodeCondition, ctx: AnalysisContext): FindingDraft {
  const name = node.metadata?.name ?? "";
  const silent = ready.status === "Unknown";
  const pods = ctx.cache.store("Pod").byIndex("node", name);
  const terminating = pods.filter((p) => p.metadata?.deletionTimestamp).length;
  const taints = (node.spec?.taints ?? []).map((t) => `${t.key}:${t.effect}`);
  // Wrong fixes ride on the explanation (hypotheses are ranked by confidence: a "will not help" of its own would outrank it).
  const stuck =
    terminating > 0
      ? `; deleting the ${terminating} pod(s) stuck Terminating there without force will not help: no kubelet is there to confirm their end`
      : "";
  const hypotheses: HypothesisDraft[] = silent
    ? [
        {
          statement: `The kubelet on ${name} stopped reporting (node down, kubelet crashed, or network partition): cordon and drain it so its pods run elsewhere; uncordon once it reports again${stuck}`,
          confidence: 0.75,
          actions: ["cordon_node", "drain_node"],
        },
      ]
    : [
        {
          statement: `The kubelet on ${name} reports itself not ready: ${ready.message ?? ready.reason ?? ""}`,
          confidence: 0.6,
          actions: ["cordon_node", "collect_diagnostics"],
        },
      ];
  return {
    code: "NODE_NOT_READY",
    severity: "critical",
    resource: refOf(node),
    summary: `Node ${name} is not ready (Ready=${ready.status}${ready.reason ? `, ${ready.reason}` : ""})`,
    detail:
      `${ready.message ?? "The node is not ready."} ${pods.length} pod(s) are bound to it` +
      (terminating > 0 ? `, ${terminating} of them stuck Terminating` : "") +
      (taints.length > 0 ? `; taints: ${taints.join(", ")}.` : "."),
    evidence: [
      objectEvidence(node, `Node ${name} Ready=${ready.status}`, {
        ready: conditionFields(ready),
        taints,
        unschedulable: node.spec?.unschedulable ?? false,
      }),
      ...nodeEvents(ctx, node, /NotReady|NodeStatusUnknown|Rebooted/),
    ],
    hypotheses,
  };
}

function pressure(node: V1Node, c: V1NodeCondition, code: FindingCode, what: string, ctx: AnalysisContext): FindingDraft {
  const name = node.metadata?.name ?? "";
  const evicted = evictedPods(ctx.cache, name);
  const evidence: EvidenceDraft[] = [
    objectEvidence(node, `Node ${name} ${c.type}=True`, {
      condition: conditionFields(c),
      taints: (node.spec?.taints ?? []).map((t) => `${t.key}:${t.effect}`),
    }),
    ...nodeEvents(ctx, node, /Pressure|EvictionThresholdMet|FreeDiskSpaceFailed|ImageGCFailed|NetworkUnavailable/),
    ...evicted.slice(0, 3).map((p) =>
      objectEvidence(p, `${p.metadata?.namespace}/${p.metadata?.name} evicted: ${(p.status?.message ?? "").slice(0, 200)}`, {
        reason: "Evicted",
      }),
    ),
  ];
  const hypotheses: HypothesisDraft[] = [];
  if (code === "NODE_MEMORY_PRESSURE") {
    const running = memoryCulprit(ctx, name);
    const culprit = running ?? evictedMemoryCulprit(ctx, name);
    if (culprit) {
      const pod = `${culprit.pod.metadata?.namespace}/${culprit.pod.metadata?.name}`;
      const use = `${running ? "uses" : "was using"} ${Math.round(culprit.usedBytes / MI)}Mi, request ${Math.round(culprit.requestBytes / MI)}Mi`;
      if (running) {
        evidence.push(
          objectEvidence(culprit.pod, `${pod} ${use}${culprit.unlimited ? ", no memory limit" : ""}`, {
            memoryBytes: culprit.usedBytes,
            requestBytes: culprit.requestBytes,
            limited: !culprit.unlimited,
          }),
        );
      }
      const limit = culprit.unlimited
        ? " and has no memory limit: a limit would confine it to its own cgroup (it would be OOM-killed alone)"
        : "";
      hypotheses.push({
        statement:
          (running
            ? `${culprit.workload} (${pod}) uses the most memory above its request${limit}`
            : `${culprit.workload} (${pod}, evicted) ${use}${limit}; its replacement will exhaust the next node the same way`) +
          `; cordoning ${name} will not relieve it (the pressure comes from ${culprit.workload}, wherever it runs), nor will raising the evicted pods' limits (eviction ranks by usage above request, not by limit)`,
        confidence: culprit.unlimited ? 0.7 : 0.5,
        actions: ["escalate"],
      });
    } else {
      hypotheses.push({
        statement: `Pods on ${name} use more memory than the node has to spare (usage above their requests); cordoning it will not relieve it, nor will raising the evicted pods' limits (eviction ranks by usage above request, not by limit)`,
        confidence: 0.4,
        actions: ["escalate"],
      });
    }
  } else if (code === "NODE_DISK_PRESSURE") {
    hypotheses.push({
      statement: `A pod writes to its container filesystem or logs without an ephemeral-storage limit; limit or stop it (an evicted writer refills the next node); deleting the Evicted pods will not free the disk: their data is already gone, the writer is still running`,
      confidence: 0.6,
      actions: ["escalate"],
    });
  } else if (code === "NODE_NETWORK_UNAVAILABLE") {
    hypotheses.push({
      statement: `The network plugin on ${name} has not set up the pod network`,
      confidence: 0.6,
      actions: ["restart_network", "cordon_node"],
    });
  } else {
    hypotheses.push({
      statement: `A pod on ${name} forks without bound; a pod PID limit or fixing it relieves the node`,
      confidence: 0.5,
      actions: ["escalate"],
    });
  }
  return {
    code,
    severity: evicted.length > 0 || code === "NODE_NETWORK_UNAVAILABLE" ? "critical" : "warning",
    resource: refOf(node),
    summary: `Node ${name} has ${c.type}${evicted.length > 0 ? `: ${evicted.length} pod(s) evicted` : ""}`,
    detail: `${c.message ?? c.reason ?? c.type} (low on ${what}).${
      evicted.length > 0
        ? ` Evicted: ${evicted
            .slice(0, 5)
            .map((p) => `${p.metadata?.namespace}/${p.metadata?.name}`)
            .join(", ")}.`
        : ""
    }`,
    evidence,
    hypotheses,
  };
}

function failing(node: V1Node, c: V1NodeCondition): FindingDraft {
  const name = node.metadata?.name ?? "";
  return {
    code: "NODE_CONDITION_FAILING",
    severity: "warning",
    resource: refOf(node),
    summary: `Node ${name} reports ${c.type}=${c.status}${c.reason ? ` (${c.reason})` : ""}`,
    detail: c.message ?? `Condition ${c.type} is ${c.status}.`,
    evidence: [objectEvidence(node, `Node ${name} ${c.type}=${c.status}`, { condition: conditionFields(c) })],
    hypotheses: [
      {
        statement: `The node has a ${c.type} problem: move its workloads off it and repair or replace it`,
        confidence: 0.6,
        actions: ["cordon_node", "drain_node"],
      },
    ],
  };
}

// A pod the kubelet evicted (status.reason Evicted) to reclaim a node resource. The kubelet's message says
// which resource and which container used most of it ("The node was low on resource: memory. ... Container
// renderer was using 7766372Ki, request is 512Mi"): the eviction is a symptom of that container's appetite
// or of node pressure. Evicted pods stay as Failed objects until cleaned up; the controller already replaced them.
import type { V1Pod } from "@kubernetes/client-node";
import { defineAnalyzer, type AnalysisContext, type FindingDraft, type HypothesisDraft } from "../../analyzer-definition.js";
import { eventEvidence, objectEvidence, refOf } from "../../evidence.js";
import { newest, podEvents, podName, withReason } from "./pod-facts.js";

interface EvictionFacts {
  resource?: string;
  container?: string;
  usage?: string;
  request?: string;
}

/** Reads the kubelet's eviction message (pkg/kubelet/eviction/helpers.go formats). */
export function parseEvictionMessage(message: string): EvictionFacts {
  const resource = /low on resource: ([\w./-]*\w)/.exec(message)?.[1];
  const usage = /Container (\S+) was using (\S+), request is (\S+?),/.exec(message);
  return {
    ...(resource ? { resource } : {}),
    ...(usage ? { container: usage[1], usage: usage[2], request: usage[3] } : {}),
  };
}

function hypothesesFor(facts: EvictionFacts, pod: V1Pod): HypothesisDraft[] {
  const spec = pod.spec?.containers.find((c) => c.name === facts.container);
  const limit = facts.resource ? spec?.resources?.limits?.[facts.resource] : undefined;
  if (facts.container && facts.resource && !limit) {
    return [
      {
        statement: `Container ${facts.container} has no ${facts.resource} limit and used ${facts.usage} (request ${facts.request}), driving the node into ${facts.resource} pressure: give it a limit (and a matching request)`,
        confidence: 0.75,
        actions: ["increase_resources", "cleanup_failed_pods"],
      },
    ];
  }
  return [
    {
      statement: `The node ran low on ${facts.resource ?? "a resource"} and evicted this pod${facts.container ? `, whose container ${facts.container} used more than it requested` : ""}`,
      confidence: 0.55,
      actions: ["cleanup_failed_pods", "escalate"],
    },
  ];
}

function evicted(pod: V1Pod, ctx: AnalysisContext): FindingDraft[] {
  if (pod.status?.reason !== "Evicted") return [];
  const message = pod.status.message?.trim() || `Pod ${podName(pod)} has been evicted`;
  const facts = parseEvictionMessage(message);
  const event = newest(withReason(podEvents(pod, ctx), "Evicted"));
  return [
    {
      code: "POD_EVICTED",
      severity: "warning",
      resource: refOf(pod, facts.container),
      summary: `Pod ${podName(pod)} was evicted from ${pod.spec?.nodeName ?? "its node"}${facts.resource ? `: node low on ${facts.resource}` : ""}`,
      detail: message,
      evidence: [
        objectEvidence(pod, `phase ${pod.status.phase ?? "?"}, reason Evicted`, {
          node: pod.spec?.nodeName,
          message,
          ...(facts.resource ? { resource: facts.resource } : {}),
        }),
        ...(event ? [eventEvidence(event)] : []),
      ],
      hypotheses: hypothesesFor(facts, pod),
    },
  ];
}

export const evictedAnalyzer = defineAnalyzer({ name: "pod-evicted", area: "pod", kind: "Pod", analyze: evicted });

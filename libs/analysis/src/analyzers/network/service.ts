// Service: does anything stand behind it? Three different failures, with three different fixes:
// - its selector matches no pod (a renamed app, a typo): fix the selector or the labels, restarting pods is useless;
// - pods match but none is ready: the Service is fine, its pods are failing (the pod analyzers say why);
// - ready pods match yet no endpoint is published: the ports do not line up (a named targetPort no container has).
// Not findings (k8sgpt reports some of them): ExternalName and selector-less Services (their endpoints are
// managed by hand, like `default/kubernetes`), leader-election Endpoints, and some pods not ready (a rollout).
import type { V1Pod, V1Service } from "@kubernetes/client-node";
import { defineAnalyzer, type AnalysisContext, type FindingDraft } from "../../analyzer-definition.js";
import { eventEvidence, objectEvidence, refOf } from "../../evidence.js";
import { isPodReady } from "../pod/pod-facts.js";
import { notReadyReason, readySince, workloadOf, describeWorkload } from "./pod-facts.js";
import {
  LEADER_ANNOTATION,
  endpointCounts,
  endpointsObject,
  hasLeavingPods,
  matchingWorkloads,
  nearMisses,
  selectedPods,
  selectorText,
  type EndpointCounts,
} from "./service-backends.js";

/** Ready pods younger than this may simply not be published yet (the endpoints controller batches updates). */
const PUBLISH_GRACE_MS = 30_000;
const MAX_PODS_CITED = 5;

export const serviceAnalyzer = defineAnalyzer({
  name: "service",
  area: "network",
  kind: "Service",
  analyze(svc, ctx) {
    if (svc.spec?.type === "ExternalName") return [];
    if (Object.keys(svc.spec?.selector ?? {}).length === 0) return [];
    if (endpointsObject(ctx.cache, svc)?.metadata?.annotations?.[LEADER_ANNOTATION] !== undefined) return [];
    const counts = endpointCounts(ctx.cache, svc);
    if (counts.ready > 0) return [];
    const pods = selectedPods(ctx.cache, svc);
    if (pods.length === 0) return hasLeavingPods(ctx.cache, svc) ? [] : [selectsNothing(svc, ctx, counts)];
    const ready = pods.filter(isPodReady);
    if (ready.length === 0) return [noneReady(svc, ctx, pods, counts)];
    const settled = ready.filter((p) => ctx.now - (readySince(p) ?? ctx.now) >= PUBLISH_GRACE_MS);
    return counts.known && settled.length > 0 ? [notPublished(svc, settled, counts)] : [];
  },
});

const serviceFields = (svc: V1Service, counts: EndpointCounts) => ({
  selector: svc.spec?.selector,
  ports: (svc.spec?.ports ?? []).map((p) => ({ port: p.port, targetPort: p.targetPort, protocol: p.protocol })),
  readyEndpoints: counts.ready,
  notReadyEndpoints: counts.notReady,
});

function selectsNothing(svc: V1Service, ctx: AnalysisContext, counts: EndpointCounts): FindingDraft {
  const name = `${svc.metadata?.namespace}/${svc.metadata?.name}`;
  const sel = selectorText(svc);
  const workloads = matchingWorkloads(ctx.cache, svc);
  const idle = workloads.filter((w) => w.replicas === 0);
  const podless = workloads.filter((w) => w.replicas > 0);
  const evidence = [objectEvidence(svc, `Service ${name} selects ${sel}: no pod has these labels`, serviceFields(svc, counts))];
  if (podless.length > 0) {
    // The selector is right: the workload meant to serve has no pods (quota, admission, a failing ReplicaSet).
    const which = podless.map(describeWorkload).join(", ");
    return {
      code: "SERVICE_SELECTOR_MATCHES_NOTHING",
      severity: "critical",
      resource: refOf(svc),
      summary: `Service ${name} has no endpoints: ${which} it selects has no pods`,
      detail: `The selector ${sel} matches the pod template of ${which}, which asks for ${podless.map((w) => w.replicas).join(", ")} replica(s) but runs none, so clients of ${name} are refused.`,
      evidence,
      hypotheses: [
        {
          statement: `${which} cannot create its pods (quota, admission or a failing ReplicaSet: see its findings); the Service selector is right`,
          confidence: 0.7,
        },
      ],
    };
  }
  if (idle.length > 0) {
    const which = idle.map(describeWorkload).join(", ");
    return {
      code: "SERVICE_SELECTOR_MATCHES_NOTHING",
      severity: "info",
      resource: refOf(svc),
      summary: `Service ${name} has no endpoints: ${which} it selects is scaled to zero`,
      detail: `The selector ${sel} matches the pod template of ${which}, which runs no replicas, so clients of ${name} are refused until it is scaled up.`,
      evidence,
      hypotheses: [
        {
          statement: `${which} was scaled to zero on purpose; scale it up if ${name} should serve`,
          confidence: 0.6,
          actions: ["notify_only"],
        },
      ],
    };
  }
  const misses = nearMisses(ctx.cache, svc);
  const best = misses.filter((m) => m.exposesTargetPort && !m.servedElsewhere && m.ready);
  const candidates = (best.length > 0 ? best : misses).slice(0, 3);
  const listed = candidates.map((m) => `${m.workload} (${m.key}=${m.actual}, ${m.pods.length} pod(s))`).join("; ");
  const restartable = [...new Set(candidates.map((m) => m.workload))];
  const wrongFix = `restarting ${restartable.length > 0 ? restartable.join(" or ") : "the pods"} or the clients will not help: the pods are not the problem, the selector is`;
  const detail =
    `Its selector ${sel} matches no running pod in namespace ${svc.metadata?.namespace}, so it has no endpoints and every ` +
    `connection to it is refused.` +
    (misses.length > 0
      ? ` Pods that differ in one label only: ${misses
          .slice(0, 5)
          .map((m) => `${m.workload} has ${m.key}=${m.actual} (selector wants ${m.key}=${m.wanted})`)
          .join("; ")}.`
      : " No pod in the namespace has the selector's labels with another value either.");
  for (const m of candidates) {
    const pod = ctx.cache.get({ kind: "Pod", namespace: svc.metadata?.namespace ?? "default", name: m.pods[0] ?? "" });
    if (pod)
      evidence.push(
        objectEvidence(pod, `${m.workload} pods are labelled ${m.key}=${m.actual}, not ${m.key}=${m.wanted}`, {
          labels: pod.metadata?.labels,
        }),
      );
  }
  return {
    code: "SERVICE_SELECTOR_MATCHES_NOTHING",
    severity: "critical",
    resource: refOf(svc),
    summary: `Service ${name} selects ${sel}, which matches no pod`,
    detail,
    evidence,
    // The wrong fix rides on the explanation (hypotheses are ranked by confidence: a "will not help" of its own would outrank it).
    hypotheses: [
      candidates.length > 0
        ? {
            statement: `The selector no longer matches the pods it should serve: probably ${listed}. Point the Service selector at their labels (or relabel the pods); ${wrongFix}`,
            confidence: candidates.length === 1 ? 0.75 : 0.55,
            actions: ["escalate"],
          }
        : {
            statement: `The pods ${name} should serve do not exist in ${svc.metadata?.namespace} or carry other labels; the selector or the workload must change; ${wrongFix}`,
            confidence: 0.5,
            actions: ["escalate"],
          },
    ],
  };
}

function noneReady(svc: V1Service, ctx: AnalysisContext, pods: V1Pod[], counts: EndpointCounts): FindingDraft {
  const name = `${svc.metadata?.namespace}/${svc.metadata?.name}`;
  const reasons = pods.map((p) => `${p.metadata?.name}: ${notReadyReason(p)}`);
  const workloads = [...new Set(pods.map((p) => describeWorkload(workloadOf(ctx.cache, p))))];
  const evidence = [
    objectEvidence(svc, `Service ${name}: ${pods.length} pod(s) selected, none ready`, serviceFields(svc, counts)),
    ...pods
      .slice(0, MAX_PODS_CITED)
      .map((p) => objectEvidence(p, `${p.metadata?.name} is not ready: ${notReadyReason(p)}`, { phase: p.status?.phase })),
  ];
  const ep = endpointsObject(ctx.cache, svc);
  if (ep)
    evidence.push(
      ...ctx.cache
        .eventsFor({ kind: "Endpoints", namespace: svc.metadata?.namespace ?? "default", name: ep.metadata?.name ?? "" })
        .filter((e) => e.type === "Warning")
        .slice(-3)
        .map(eventEvidence),
    );
  return {
    code: "SERVICE_NO_READY_ENDPOINTS",
    severity: "critical",
    resource: refOf(svc),
    summary: `Service ${name} has no ready endpoints: none of its ${pods.length} pod(s) is ready`,
    detail: `The selector ${selectorText(svc)} matches ${pods.length} pod(s) of ${workloads.join(", ")}, but none is ready (${reasons.slice(0, MAX_PODS_CITED).join("; ")}), so clients of ${name} get no answer.`,
    evidence,
    hypotheses: [
      {
        statement: `The pods of ${workloads.join(", ")} are failing; the Service itself is correct. Fix why they are not ready (see their findings); restarting the clients of ${name} will not help`,
        confidence: 0.85,
      },
    ],
  };
}

function notPublished(svc: V1Service, ready: V1Pod[], counts: EndpointCounts): FindingDraft {
  const name = `${svc.metadata?.namespace}/${svc.metadata?.name}`;
  const missingPorts = (svc.spec?.ports ?? [])
    .map((p) => p.targetPort ?? p.port)
    .filter(
      (t) =>
        typeof t === "string" &&
        !ready.some((pod) => (pod.spec?.containers ?? []).some((c) => (c.ports ?? []).some((cp) => cp.name === t))),
    );
  return {
    code: "SERVICE_NO_ENDPOINTS",
    severity: "critical",
    resource: refOf(svc),
    summary: `Service ${name} has no endpoints although ${ready.length} ready pod(s) match its selector`,
    detail:
      missingPorts.length > 0
        ? `Its targetPort ${missingPorts.map((t) => JSON.stringify(t)).join(", ")} names no container port of the selected pods, so the endpoints controller publishes none.`
        : `The selected pods are ready but no endpoint was published; the endpoints controller may be failing.`,
    evidence: [
      objectEvidence(svc, `Service ${name}: ready pods but no endpoints`, serviceFields(svc, counts)),
      ...ready
        .slice(0, 2)
        .map((p) => objectEvidence(p, `${p.metadata?.name} is ready`, { ports: (p.spec?.containers ?? []).flatMap((c) => c.ports ?? []) })),
    ],
    hypotheses: [
      missingPorts.length > 0
        ? {
            statement: `The Service's targetPort does not match a named port of its pods; fix the port name on either side`,
            confidence: 0.8,
            actions: ["escalate"],
          }
        : {
            statement: `The endpoints controller is not publishing endpoints (controller-manager trouble)`,
            confidence: 0.4,
            actions: ["escalate"],
          },
    ],
  };
}

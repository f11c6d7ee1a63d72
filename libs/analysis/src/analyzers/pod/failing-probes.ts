// Probes that are failing now: kubelet's Unhealthy events ("Liveness probe failed: ...", "Readiness probe
// failed: ...", "Startup probe failed: ...") seen within the last few minutes of cluster time, on a container
// that is not ready or keeps restarting. An old Unhealthy event on a container that is Ready again (a slow
// start that recovered, a blip) is history, not a finding: that was k8sgpt's false positive.
import type { CoreV1Event, V1Pod } from "@kubernetes/client-node";
import type { FindingCode } from "@vigil/contracts";
import { defineAnalyzer, type AnalysisContext, type FindingDraft, type HypothesisDraft } from "../../analyzer-definition.js";
import { eventEvidence, ms, objectEvidence, refOf } from "../../evidence.js";
import {
  containerEvents,
  containersOf,
  describeContainer,
  isDeleting,
  isFinished,
  isRecent,
  newest,
  newRevisionFailing,
  podEvents,
  podName,
  RECENT_MS,
  withReason,
  type ContainerFacts,
} from "./pod-facts.js";

const PROBES = [
  { kind: "Liveness", code: "POD_LIVENESS_PROBE_FAILING", field: "livenessProbe" },
  { kind: "Readiness", code: "POD_READINESS_PROBE_FAILING", field: "readinessProbe" },
  { kind: "Startup", code: "POD_STARTUP_PROBE_FAILING", field: "startupProbe" },
] as const satisfies ReadonlyArray<{ kind: string; code: FindingCode; field: string }>;

type Probe = (typeof PROBES)[number];

const TIMEOUT = /context deadline exceeded|Client\.Timeout|timeout|timed out/i;
const REFUSED = /connection refused|connect: /i;
const HTTP_ERROR = /statuscode: (\d{3})/i;

/** Restarting now: in back-off, or restarted within the window. */
function restarting(c: ContainerFacts, ctx: AnalysisContext): boolean {
  if (c.status.state?.waiting?.reason === "CrashLoopBackOff") return true;
  const finished = ms(c.status.lastState?.terminated?.finishedAt);
  return finished !== undefined && ctx.now - finished <= RECENT_MS;
}

function hypothesesFor(probe: Probe, c: ContainerFacts, event: CoreV1Event, pod: V1Pod, ctx: AnalysisContext): HypothesisDraft[] {
  const message = event.message ?? "";
  const spec = c.spec?.[probe.field];
  const cpuLimit = c.spec?.resources?.limits?.["cpu"];
  const out: HypothesisDraft[] = [];
  const rollout = newRevisionFailing(pod, ctx);
  if (TIMEOUT.test(message)) {
    out.push(
      cpuLimit
        ? {
            statement: `Container ${c.name} answers its ${probe.kind.toLowerCase()} probe slower than its ${spec?.timeoutSeconds ?? 1}s timeout: likely CPU-throttled under its ${cpuLimit} CPU limit`,
            confidence: 0.6,
            actions: ["increase_resources"],
          }
        : {
            statement: `Container ${c.name} answers its ${probe.kind.toLowerCase()} probe too slowly (overloaded or blocked)`,
            confidence: 0.45,
            actions: ["collect_diagnostics", "escalate"],
          },
    );
  } else if (REFUSED.test(message) && probe.kind === "Liveness" && !c.spec?.startupProbe && restarting(c, ctx)) {
    const budget = (spec?.initialDelaySeconds ?? 0) + (spec?.periodSeconds ?? 10) * (spec?.failureThreshold ?? 3);
    out.push({
      statement: `Container ${c.name} is not listening yet when its liveness probe gives up (~${budget}s, no startupProbe): it starts slower than the probe allows; add a startupProbe or raise initialDelaySeconds/failureThreshold`,
      confidence: 0.7,
      actions: ["escalate", "notify_only"],
    });
  } else if (HTTP_ERROR.test(message) && rollout) {
    out.push({
      statement: `Revision ${rollout.revision} of deployment ${rollout.deployment} answers its ${probe.kind.toLowerCase()} probe with HTTP ${HTTP_ERROR.exec(message)?.[1]} while the previous revision serves (${rollout.previousReady} ready): the new release is broken; roll back`,
      confidence: 0.75,
      actions: ["rollback_deployment", "pause_rollout"],
    });
  } else if (HTTP_ERROR.test(message)) {
    out.push({
      statement: `The application reports itself unhealthy (HTTP ${HTTP_ERROR.exec(message)?.[1]}): a dependency it checks may be down`,
      confidence: 0.45,
      actions: ["collect_diagnostics", "escalate"],
    });
  }
  if (rollout && !out.some((h) => h.actions?.includes("rollback_deployment")))
    out.push({
      statement: `The probe started failing with revision ${rollout.revision} of deployment ${rollout.deployment}`,
      confidence: 0.5,
      actions: ["rollback_deployment"],
    });
  if (out.length === 0)
    out.push({
      statement: `The ${probe.kind.toLowerCase()} probe fails: ${message.slice(0, 200)}`,
      confidence: 0.4,
      actions: ["collect_diagnostics", "escalate"],
    });
  return out.sort((a, b) => b.confidence - a.confidence);
}

function failingProbes(pod: V1Pod, ctx: AnalysisContext): FindingDraft[] {
  if (isFinished(pod) || isDeleting(pod)) return [];
  const all = podEvents(pod, ctx);
  const unhealthy = withReason(all, "Unhealthy").filter((e) => e.type === "Warning" && isRecent(e, ctx, RECENT_MS));
  if (unhealthy.length === 0) return [];
  const containers = containersOf(pod).filter((c) => !c.init);
  const out: FindingDraft[] = [];
  for (const c of containers) {
    const troubled = !c.status.ready || restarting(c, ctx);
    if (!troubled) continue;
    // A pod-level Unhealthy event (no fieldPath) can only be about the pod's one container.
    const mine =
      containers.length === 1
        ? unhealthy.filter((e) => !e.involvedObject?.fieldPath || containerEvents([e], c.name).length > 0)
        : containerEvents(unhealthy, c.name);
    for (const probe of PROBES) {
      const event = newest(mine.filter((e) => (e.message ?? "").startsWith(`${probe.kind} probe`)));
      if (!event) continue;
      const liveness = probe.kind === "Liveness";
      out.push({
        code: probe.code,
        severity: liveness && restarting(c, ctx) ? "critical" : "warning",
        resource: refOf(pod, c.name),
        summary: `${probe.kind} probe of ${describeContainer(c)} in pod ${podName(pod)} is failing${liveness && c.status.restartCount ? ` (${c.status.restartCount} restarts)` : ""}: ${(event.message ?? "").replace(/^\w+ probe failed: /, "").slice(0, 160)}`,
        detail: `${event.message ?? ""} (x${event.count ?? 1}). Container ready=${c.status.ready}, restarts=${c.status.restartCount}.`,
        evidence: [
          objectEvidence(
            pod,
            `${describeContainer(c)}: ready=${c.status.ready}, restarts=${c.status.restartCount}`,
            { container: c.name, ready: c.status.ready, restartCount: c.status.restartCount, probe: c.spec?.[probe.field] },
            c.name,
          ),
          eventEvidence(event),
        ],
        hypotheses: hypothesesFor(probe, c, event, pod, ctx),
      });
    }
  }
  return out;
}

export const failingProbesAnalyzer = defineAnalyzer({ name: "pod-probes", area: "pod", kind: "Pod", analyze: failingProbes });

// KERNEL_OOM_UNSEEN_BY_KUBERNETES: a process inside a container was OOM-killed at the container's memory limit,
// but the container survived: the victim was not its main process (PID 1), so there is no OOMKilled, no restart
// and no event. Workers, child processes and `kubectl exec` sessions die silently; the app sees errors, lost
// requests or half-done work. (Kubernetes reports OOMKilled only when PID 1 dies; Inspektor Gadget's trace_oomkill
// README shows the same blind spot.) Only the kernel knows.
import type { V1Pod } from "@kubernetes/client-node";
import { defineAnalyzer, type AnalysisContext, type FindingDraft } from "../../analyzer-definition.js";
import { ms, objectEvidence, refOf } from "../../evidence.js";
import { memoryThresholds } from "../../telemetry/memory-thresholds.js";
import { oomKillCount } from "../../telemetry/oom-kills.js";
import { telemetryWindows, windowText } from "../../telemetry/recent-telemetry.js";
import { killsText, oomKillEvidence } from "./kernel-evidence.js";
import { podOomKills } from "./pod-oom-kills.js";

function unseenOom(pod: V1Pod, ctx: AnalysisContext): FindingDraft[] {
  const window = windowText(telemetryWindows(ctx).kernelEventsMs);
  const podName = `${pod.metadata?.namespace}/${pod.metadata?.name}`;
  return podOomKills(pod, ctx).flatMap(({ container, status, unseen }): FindingDraft[] => {
    if (unseen.length === 0) return [];
    const kills = unseen.reduce((n, e) => n + oomKillCount(e), 0);
    const victims = [...new Set(unseen.map((e) => e.comm ?? `pid ${e.pid ?? "?"}`))].slice(0, 5).join(", ");
    const startedAt = ms(status?.state?.running?.startedAt);
    const limit = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])].find((c) => c.name === container)?.resources
      ?.limits?.["memory"];
    return [
      {
        code: "KERNEL_OOM_UNSEEN_BY_KUBERNETES",
        severity: kills >= memoryThresholds.oom.repeatedKillsCritical ? "critical" : "warning",
        resource: refOf(pod, container),
        summary: `${killsText(kills)} inside container ${container ?? "?"} of pod ${podName} in the last ${window} (${victims}) that Kubernetes did not see: the container kept running`,
        detail:
          `The kernel killed processes at the container's memory limit${limit ? ` (${limit})` : ""}, but not its main process: ` +
          `the container has run since ${startedAt !== undefined ? new Date(startedAt).toISOString() : "before the kills"} with restartCount ${status?.restartCount ?? "?"} ` +
          `and no OOMKilled termination, so kubectl, events and alerts on restarts show nothing. Whatever those processes did (workers, jobs, requests) failed silently.`,
        evidence: [
          ...oomKillEvidence(unseen),
          objectEvidence(
            pod,
            `${container ?? "container"} running since ${startedAt !== undefined ? new Date(startedAt).toISOString() : "?"}, restartCount ${status?.restartCount ?? "?"}, last termination ${status?.lastState?.terminated?.reason ?? "none"}`,
            {
              container,
              restartCount: status?.restartCount,
              startedAt: status?.state?.running?.startedAt,
              lastTermination: status?.lastState?.terminated?.reason ?? null,
            },
            container,
          ),
        ],
        hypotheses: [
          {
            statement: `The memory limit of ${container ?? "the container"}${limit ? ` (${limit})` : ""} is too small for its child or worker processes: the kernel kills them one by one while the container looks healthy`,
            confidence: 0.7,
            actions: ["increase_resources"],
          },
        ],
      },
    ];
  });
}

export const kernelOomUnseenAnalyzer = defineAnalyzer({ name: "kernel-oom-unseen", area: "kernel", kind: "Pod", analyze: unseenOom });

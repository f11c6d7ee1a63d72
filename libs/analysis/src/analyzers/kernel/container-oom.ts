// KERNEL_CONTAINER_OOM: the kernel's OOM killer ran inside a container's memory cgroup (its limit, or the pod's,
// was hit) and the container restarted because of it. Kubernetes says OOMKilled too; this adds the kernel's
// side: which process died, how much it held, how often, and that it was the container's limit (not the node)
// that ran out, which is what makes raising that limit the right fix.
import type { V1Pod } from "@kubernetes/client-node";
import { defineAnalyzer, type AnalysisContext, type FindingDraft } from "../../analyzer-definition.js";
import { objectEvidence, refOf } from "../../evidence.js";
import { memoryThresholds } from "../../telemetry/memory-thresholds.js";
import { oomKillCount, oomVictim } from "../../telemetry/oom-kills.js";
import { telemetryWindows, windowText } from "../../telemetry/recent-telemetry.js";
import { killsText, oomKillEvidence } from "./kernel-evidence.js";
import { podOomKills } from "./pod-oom-kills.js";

function memoryLimitOf(pod: V1Pod, container: string | undefined): string | undefined {
  const spec = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])].find((c) => c.name === container);
  return spec?.resources?.limits?.["memory"];
}

function containerOom(pod: V1Pod, ctx: AnalysisContext): FindingDraft[] {
  const window = windowText(telemetryWindows(ctx).kernelEventsMs);
  const podName = `${pod.metadata?.namespace}/${pod.metadata?.name}`;
  return podOomKills(pod, ctx).flatMap(({ container, status, seen: restarted, pending }): FindingDraft[] => {
    // Kills too recent to know whether the container survived are reported here, as container OOMs, meanwhile.
    const seen = [...restarted, ...pending].sort((a, b) => Date.parse(a.observedAt) - Date.parse(b.observedAt));
    if (seen.length === 0) return [];
    const kills = seen.reduce((n, e) => n + oomKillCount(e), 0);
    const last = seen[seen.length - 1]!;
    const limit = memoryLimitOf(pod, container);
    const looping = status?.state?.waiting?.reason === "CrashLoopBackOff";
    const where = container ? `container ${container} of pod ${podName}` : `pod ${podName}`;
    return [
      {
        code: "KERNEL_CONTAINER_OOM",
        severity: kills >= memoryThresholds.oom.repeatedKillsCritical || looping ? "critical" : "warning",
        resource: refOf(pod, container),
        summary: `The kernel OOM-killed ${where} at its memory limit${limit ? ` (${limit})` : ""}: ${killsText(kills)} in the last ${window}, the last of ${oomVictim(last)}`,
        detail:
          `Container-scope OOM: the memory cgroup limit of the container (or of its pod) was hit, not the node's memory. ` +
          `${typeof last.data["scopeReason"] === "string" ? `ebpf-ingest: ${last.data["scopeReason"]}. ` : ""}` +
          (pending.length === 0
            ? `The container restarted after ${kills === 1 ? "it" : "them"}${status ? ` (restartCount ${status.restartCount})` : ""}. `
            : `The kubelet has not reported a restart yet${status ? ` (restartCount ${status.restartCount})` : ""}. `) +
          `A higher limit for ${container ?? "the container"}, or a smaller working set, stops it; other pods on the node are not the cause.`,
        evidence: [
          ...oomKillEvidence(seen),
          objectEvidence(
            pod,
            `${where}: memory limit ${limit ?? "none"}, restartCount ${status?.restartCount ?? "?"}`,
            { container, memoryLimit: limit, restartCount: status?.restartCount },
            container,
          ),
        ],
        hypotheses: [
          {
            statement: `The memory limit of ${container ?? "the container"}${limit ? ` (${limit})` : ""} is below what it needs: the kernel kills it at the limit`,
            confidence: 0.75,
            actions: ["increase_resources"],
          },
        ],
      },
    ];
  });
}

export const kernelContainerOomAnalyzer = defineAnalyzer({
  name: "kernel-container-oom",
  area: "kernel",
  kind: "Pod",
  analyze: containerOom,
});

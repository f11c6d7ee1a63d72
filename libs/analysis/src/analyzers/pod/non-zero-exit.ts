// A container that is currently terminated with a non-zero exit code and will not be restarted (restartPolicy
// Never or OnFailure pods that gave up, Job pods that failed), and that the crash-loop analyzer does not
// already report. Evicted pods are the evicted analyzer's: their exit 137 is the eviction, not the app.
import type { V1Pod } from "@kubernetes/client-node";
import { defineAnalyzer, type AnalysisContext, type FindingDraft } from "../../analyzer-definition.js";
import { objectEvidence, refOf } from "../../evidence.js";
import { crashLoopCovers } from "./crash-loop.js";
import { containerEvents, containersOf, describeContainer, isDeleting, podEvents, podName } from "./pod-facts.js";
import { terminationHypotheses, terminationMessage } from "./termination-causes.js";

function nonZeroExit(pod: V1Pod, ctx: AnalysisContext): FindingDraft[] {
  if (isDeleting(pod) || pod.status?.reason === "Evicted" || pod.status?.phase === "Succeeded") return [];
  const out: FindingDraft[] = [];
  let events: ReturnType<typeof podEvents> | undefined;
  for (const c of containersOf(pod)) {
    const t = c.status.state?.terminated;
    if (!t || t.exitCode === 0 || crashLoopCovers(pod, c, ctx)) continue;
    events ??= podEvents(pod, ctx);
    const message = terminationMessage(t);
    out.push({
      code: "POD_NON_ZERO_EXIT",
      severity: "warning",
      resource: refOf(pod, c.name),
      summary: `${describeContainer(c)} of pod ${podName(pod)} exited with code ${t.exitCode} (${t.reason ?? "Unknown"})`.replace(
        /^./,
        (s) => s.toUpperCase(),
      ),
      detail: `The termination reason is ${t.reason ?? "Unknown"} exitCode=${t.exitCode}; pod phase ${pod.status?.phase ?? "?"}, restartPolicy ${pod.spec?.restartPolicy ?? "Always"}.${message ? ` Termination message: ${message.slice(0, 500)}` : ""}`,
      evidence: [
        objectEvidence(
          pod,
          `${describeContainer(c)} terminated: ${t.reason ?? "Unknown"} exit ${t.exitCode}`,
          {
            container: c.name,
            phase: pod.status?.phase,
            terminated: {
              reason: t.reason,
              exitCode: t.exitCode,
              startedAt: t.startedAt,
              finishedAt: t.finishedAt,
              ...(message ? { message } : {}),
            },
          },
          c.name,
        ),
      ],
      hypotheses: terminationHypotheses(pod, c, t, containerEvents(events, c.name), ctx),
    });
  }
  return out;
}

export const nonZeroExitAnalyzer = defineAnalyzer({ name: "pod-non-zero-exit", area: "pod", kind: "Pod", analyze: nonZeroExit });

// Containers (init and app) that keep dying: CrashLoopBackOff with a last termination, or a terminated
// instance kubelet will restart. One finding per container, never two: POD_OOM_KILLED when the last
// termination was OOMKilled (the cause is the headline, the loop is in the detail), POD_CRASH_LOOP otherwise,
// naming the last termination reason and exit code. An OOM kill that is recent but no longer looping (the
// container runs again, or a restartPolicy Never pod) is POD_OOM_KILLED too, as a warning.
import type { V1ContainerStateTerminated, V1Pod } from "@kubernetes/client-node";
import { defineAnalyzer, type AnalysisContext, type FindingDraft } from "../../analyzer-definition.js";
import { eventEvidence, ms, objectEvidence, refOf } from "../../evidence.js";
import {
  containerEvents,
  containersOf,
  describeContainer,
  humanDuration,
  isDeleting,
  newest,
  podEvents,
  podName,
  withReason,
  type ContainerFacts,
} from "./pod-facts.js";
import { livenessKill, ranSeconds, terminationHypotheses, terminationMessage } from "./termination-causes.js";

/** An OOM kill this recent still explains a restarted container's trouble. */
const RECENT_OOM_MS = 30 * 60_000;

type Loop = { looping: boolean; last: V1ContainerStateTerminated };

/** The termination that matters, and whether the container is in a restart loop. */
function lastTermination(pod: V1Pod, c: ContainerFacts, ctx: AnalysisContext): Loop | undefined {
  const { state, lastState, restartCount } = c.status;
  if (state?.waiting?.reason === "CrashLoopBackOff" && lastState?.terminated) return { looping: true, last: lastState.terminated };
  const willRestart = pod.spec?.restartPolicy !== "Never";
  // Between two back-offs the state is briefly terminated ("Error", "Init:Error"): same loop.
  if (state?.terminated && state.terminated.exitCode !== 0 && restartCount > 0 && willRestart)
    return { looping: true, last: state.terminated };
  if (state?.terminated?.reason === "OOMKilled") return { looping: false, last: state.terminated };
  const finished = ms(lastState?.terminated?.finishedAt);
  if (lastState?.terminated?.reason === "OOMKilled" && finished !== undefined && ctx.now - finished <= RECENT_OOM_MS)
    return { looping: false, last: lastState.terminated };
  return undefined;
}

function crashLoop(pod: V1Pod, ctx: AnalysisContext): FindingDraft[] {
  if (isDeleting(pod) || pod.status?.reason === "Evicted") return [];
  const events = podEvents(pod, ctx);
  const out: FindingDraft[] = [];
  for (const c of containersOf(pod)) {
    const found = lastTermination(pod, c, ctx);
    if (!found) continue;
    const { looping, last } = found;
    const oom = last.reason === "OOMKilled";
    const mine = containerEvents(events, c.name);
    const backOff = newest(withReason(mine, "BackOff"));
    const killed = livenessKill(mine, ctx);
    const ran = ranSeconds(last);
    const message = terminationMessage(last);
    const termination = `${last.reason ?? "terminated"} (exit code ${last.exitCode})`;
    const where = `${describeContainer(c)} of pod ${podName(pod)}`.replace(/^./, (s) => s.toUpperCase());
    const restarts = `${c.status.restartCount} restart${c.status.restartCount === 1 ? "" : "s"}`;
    const finishedAgo = ms(last.finishedAt);
    out.push({
      code: oom ? "POD_OOM_KILLED" : "POD_CRASH_LOOP",
      severity: looping ? "critical" : "warning",
      resource: refOf(pod, c.name),
      summary: oom
        ? `${where} is OOMKilled${c.spec?.resources?.limits?.["memory"] ? ` at its ${c.spec.resources.limits["memory"]} memory limit` : ""}${looping ? `, in CrashLoopBackOff (${restarts})` : ""}`
        : `${where} is crash-looping (${restarts}): the last termination reason is ${termination}`,
      detail:
        `Last termination: ${termination} after running ${ran ?? "?"}s` +
        (finishedAgo !== undefined ? `, ${humanDuration(ctx.now - finishedAgo)} ago` : "") +
        `; state now ${c.status.state?.waiting?.reason ?? (c.status.state?.running ? "Running" : (c.status.state?.terminated?.reason ?? "unknown"))}.` +
        (message ? ` Termination message: ${message.slice(0, 500)}` : ""),
      evidence: [
        objectEvidence(
          pod,
          `${describeContainer(c)}: ${c.status.state?.waiting?.reason ?? "terminated"}, last ${termination}`,
          {
            container: c.name,
            restartCount: c.status.restartCount,
            lastTermination: {
              reason: last.reason,
              exitCode: last.exitCode,
              startedAt: last.startedAt,
              finishedAt: last.finishedAt,
              ...(message ? { message } : {}),
            },
            ...(c.spec?.resources?.limits ? { limits: c.spec.resources.limits } : {}),
          },
          c.name,
        ),
        ...(backOff ? [eventEvidence(backOff)] : []),
        ...(killed && !oom ? [eventEvidence(killed)] : []),
      ],
      hypotheses: terminationHypotheses(pod, c, last, mine, ctx),
    });
  }
  return out;
}

export const crashLoopAnalyzer = defineAnalyzer({ name: "pod-crash-loop", area: "pod", kind: "Pod", analyze: crashLoop });

/** Whether the crash-loop analyzer already reports this container (the non-zero-exit analyzer stays quiet then). */
export const crashLoopCovers = (pod: V1Pod, c: ContainerFacts, ctx: AnalysisContext): boolean => lastTermination(pod, c, ctx) !== undefined;

// Why a container stopped, from its last termination (reason, exit code, how long it ran, its termination
// message) and the kubelet events around it. Confidence is high only when the evidence is specific: an
// OOMKilled with a memory limit, a "FATAL: missing required environment variable" message, a liveness kill.
// A restart is never proposed for a deterministic start-up failure: the next instance fails the same way.
import type { CoreV1Event, V1ContainerStateTerminated, V1Pod } from "@kubernetes/client-node";
import type { AnalysisContext, HypothesisDraft } from "../../analyzer-definition.js";
import { isRecent, newRevisionFailing, RECENT_MS, secondsBetween, withReason, type ContainerFacts } from "./pod-facts.js";

/** Start-up errors a restart cannot fix: missing configuration, unparsable values, absent dependencies. */
const CONFIG_ERROR =
  /missing required (environment variable|env|config)|environment variable \S+ (is )?(not set|missing|required)|invalid (configuration|config)|config(uration)? (file )?not found|no such file or directory|ERR_INVALID_URL|Invalid URL|unsupported protocol|permission denied/i;
const DEPENDENCY_ERROR = /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|connection refused|could not connect|no such host/i;

/** Seconds the instance ran before it stopped. */
export const ranSeconds = (t: V1ContainerStateTerminated): number | undefined => secondsBetween(t.startedAt, t.finishedAt);

/** The termination message (terminationMessagePath, or the log tail with FallbackToLogsOnError), trimmed. */
export const terminationMessage = (t: V1ContainerStateTerminated): string | undefined => t.message?.trim() || undefined;

/** Kubelet killed it because the liveness (or startup) probe failed: Killing "... failed liveness probe, will be restarted". */
export function livenessKill(events: readonly CoreV1Event[], ctx: AnalysisContext): CoreV1Event | undefined {
  return withReason(events, "Killing", "Unhealthy")
    .filter((e) => /liveness probe|startup probe/i.test(e.message ?? "") && isRecent(e, ctx, RECENT_MS))
    .at(-1);
}

export function terminationHypotheses(
  pod: V1Pod,
  c: ContainerFacts,
  t: V1ContainerStateTerminated,
  events: readonly CoreV1Event[],
  ctx: AnalysisContext,
): HypothesisDraft[] {
  const out: HypothesisDraft[] = [];
  const limit = c.spec?.resources?.limits?.["memory"];
  const message = terminationMessage(t);
  const ran = ranSeconds(t);
  const rollout = newRevisionFailing(pod, ctx);
  const rollback: HypothesisDraft | undefined = rollout && {
    statement: `The failure started with revision ${rollout.revision} of deployment ${rollout.deployment}, while the previous revision still has ${rollout.previousReady} ready pod(s): roll back`,
    confidence: 0.7,
    actions: ["rollback_deployment", "pause_rollout"],
  };

  if (t.reason === "OOMKilled") {
    if (limit) {
      out.push({
        statement: `Container ${c.name} needs more memory than its ${limit} limit: the kernel OOM-kills it (exit ${t.exitCode})`,
        confidence: 0.85,
        actions: ["increase_resources"],
      });
    } else {
      out.push({
        statement: `Container ${c.name} has no memory limit and was OOM-killed: the node ran out of memory`,
        confidence: 0.6,
        actions: ["escalate"],
      });
    }
    out.push({
      statement: "A memory leak grows the process until it hits the limit; more memory only delays it",
      confidence: 0.25,
      actions: ["escalate"],
    });
    return out;
  }
  if (message && CONFIG_ERROR.test(message)) {
    out.push({
      statement: `Container ${c.name} exits at start-up on a configuration error ("${message.slice(0, 200)}"): fix the configuration; a restart does not help`,
      confidence: 0.85,
      actions: ["escalate", "notify_only"],
    });
    if (rollback) out.push({ ...rollback, confidence: 0.6 });
    return out;
  }
  const killed = livenessKill(events, ctx);
  if (killed && (t.exitCode === 137 || t.exitCode === 143)) {
    const probe = c.spec?.livenessProbe;
    const budget = (probe?.initialDelaySeconds ?? 0) + (probe?.periodSeconds ?? 10) * (probe?.failureThreshold ?? 3);
    // Refused connections mean nothing listens yet: the app was still starting when the probe gave up.
    const refused = withReason(events, "Unhealthy").some(
      (e) => /^Liveness probe failed: .*(connection refused|connect: )/i.test(e.message ?? "") && isRecent(e, ctx, RECENT_MS),
    );
    const slowStart = !c.spec?.startupProbe && refused;
    out.push({
      statement: slowStart
        ? `Container ${c.name} is killed by its liveness probe before it finishes starting (probe gives up after ~${budget}s, no startupProbe): add a startupProbe or raise initialDelaySeconds/failureThreshold`
        : `Container ${c.name} is killed by its liveness probe (the application stops answering it)`,
      confidence: slowStart ? 0.75 : 0.6,
      actions: ["escalate", "notify_only"],
    });
    if (rollback) out.push({ ...rollback, confidence: 0.5 });
    return out;
  }
  if (message && DEPENDENCY_ERROR.test(message)) {
    out.push({
      statement: `Container ${c.name} cannot reach a dependency at start-up ("${message.slice(0, 200)}")`,
      confidence: 0.7,
      actions: ["escalate"],
    });
    return out;
  }
  if (rollback) out.push(rollback);
  if (t.exitCode !== 0 && ran !== undefined && ran <= 10) {
    out.push({
      statement: `Container ${c.name} exits with code ${t.exitCode} ${ran}s after starting, every time: a start-up error (configuration or a missing dependency) that a restart does not fix; its logs say which`,
      confidence: message ? 0.55 : 0.6,
      actions: ["collect_diagnostics", "escalate"],
    });
  } else {
    out.push({
      statement: `Container ${c.name} crashes (${t.reason ?? "exit"} ${t.exitCode}) after running ${ran ?? "?"}s: an application fault; the previous instance's logs say why`,
      confidence: 0.4,
      actions: ["collect_diagnostics", "escalate"],
    });
  }
  return out;
}

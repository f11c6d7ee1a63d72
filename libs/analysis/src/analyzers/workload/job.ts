// Jobs that failed: condition Failed=True, reason BackoffLimitExceeded (its pods kept failing) → JOB_FAILED,
// reason DeadlineExceeded (activeDeadlineSeconds ran out) → JOB_DEADLINE_EXCEEDED. Its pods' last
// terminations say why. A suspended Job is not failed: it waits, on purpose.
import type { V1ContainerStateTerminated, V1Job, V1Pod } from "@kubernetes/client-node";
import { defineAnalyzer, type AnalysisContext, type FindingDraft, type HypothesisDraft } from "../../analyzer-definition.js";
import { eventEvidence, ms, objectEvidence, refOf } from "../../evidence.js";
import { conditionOf, eventsOf, latestWarning } from "./workload-facts.js";

const CONFIG_ERROR =
  /missing required (environment variable|env|config)|environment variable \S+ (is )?(not set|missing|required)|invalid (configuration|config)|Invalid URL/i;

interface Termination {
  pod: V1Pod;
  container: string;
  t: V1ContainerStateTerminated;
}

/** The failed containers of the Job's pods, newest pod first. */
export function failedTerminations(job: V1Job, ctx: AnalysisContext): Termination[] {
  const uid = job.metadata?.uid;
  const pods = uid ? ctx.cache.store("Pod").byOwner(uid) : [];
  return pods
    .flatMap((pod) =>
      [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])].flatMap((s) => {
        const t = s.state?.terminated ?? s.lastState?.terminated;
        return t && t.exitCode !== 0 ? [{ pod, container: s.name, t }] : [];
      }),
    )
    .sort((a, b) => (ms(b.t.finishedAt) ?? 0) - (ms(a.t.finishedAt) ?? 0));
}

function hypothesesFor(deadline: boolean, failures: Termination[], job: V1Job): HypothesisDraft[] {
  if (deadline)
    return [
      {
        statement: `The Job ran longer than its activeDeadlineSeconds (${job.spec?.activeDeadlineSeconds ?? "?"}s): it is slow or hung`,
        confidence: 0.6,
        actions: ["escalate"],
      },
    ];
  const last = failures[0];
  if (!last)
    return [
      { statement: "The Job's pods failed (they are gone: their terminations cannot be read)", confidence: 0.4, actions: ["escalate"] },
    ];
  const message = last.t.message?.trim();
  if (message && CONFIG_ERROR.test(message))
    return [
      {
        statement: `Its pods exit on a configuration error ("${message.slice(0, 200)}"): fix the Job's configuration and run it again; retrying the same Job fails the same way`,
        confidence: 0.85,
        actions: ["escalate", "notify_only"],
      },
    ];
  if (last.t.reason === "OOMKilled")
    return [
      {
        statement: `Container ${last.container} is OOM-killed: the Job needs a higher memory limit`,
        confidence: 0.8,
        actions: ["escalate"],
      },
    ];
  const codes = new Set(failures.map((f) => f.t.exitCode));
  const ran = (f: Termination) => ((ms(f.t.finishedAt) ?? 0) - (ms(f.t.startedAt) ?? 0)) / 1000;
  if (codes.size === 1 && failures.every((f) => ran(f) <= 10))
    return [
      {
        statement: `Every attempt exits with code ${last.t.exitCode} within seconds: a deterministic start-up error (configuration, a missing dependency); the pods' logs say which, and a retry fails the same way`,
        confidence: 0.65,
        actions: ["collect_diagnostics", "escalate"],
      },
    ];
  return [
    {
      statement: `Its pods fail (last: ${last.t.reason ?? "exit"} ${last.t.exitCode} in container ${last.container})`,
      confidence: 0.45,
      actions: ["collect_diagnostics", "escalate"],
    },
  ];
}

function failedJob(job: V1Job, ctx: AnalysisContext): FindingDraft[] {
  const failed = conditionOf(job.status?.conditions, "Failed");
  if (failed?.status !== "True") return [];
  const deadline = failed.reason === "DeadlineExceeded";
  const failures = failedTerminations(job, ctx);
  const last = failures[0];
  const event = latestWarning(eventsOf(job, ctx), "BackoffLimitExceeded", "DeadlineExceeded");
  const name = `${job.metadata?.namespace ?? ""}/${job.metadata?.name ?? ""}`;
  return [
    {
      code: deadline ? "JOB_DEADLINE_EXCEEDED" : "JOB_FAILED",
      severity: "warning",
      resource: refOf(job),
      summary: `Job ${name} failed: ${failed.message ?? failed.reason ?? "Failed"}${last ? ` (last pod: ${last.t.reason ?? "exit"} ${last.t.exitCode})` : ""}`,
      detail: `Failed=True, reason ${failed.reason ?? "?"}: ${failed.message ?? ""}. ${job.status?.failed ?? 0} failed pod(s), backoffLimit ${job.spec?.backoffLimit ?? 6}.${last?.t.message ? ` Last termination message: ${last.t.message.slice(0, 300)}` : ""}`,
      evidence: [
        objectEvidence(job, `Failed=True (${failed.reason ?? "?"})`, {
          failed: job.status?.failed ?? 0,
          backoffLimit: job.spec?.backoffLimit,
          reason: failed.reason,
          message: failed.message,
        }),
        ...(last
          ? [
              objectEvidence(
                last.pod,
                `pod ${last.pod.metadata?.name}: ${last.t.reason ?? "exit"} ${last.t.exitCode}`,
                { container: last.container, exitCode: last.t.exitCode, reason: last.t.reason },
                last.container,
              ),
            ]
          : []),
        ...(event ? [eventEvidence(event)] : []),
      ],
      hypotheses: hypothesesFor(deadline, failures, job),
    },
  ];
}

export const jobAnalyzer = defineAnalyzer({ name: "job", area: "workload", kind: "Job", analyze: failedJob });

// CronJobs: the last run failed (its newest finished Job has Failed=True), and runs that do not happen: the
// schedule says runs were due since lastScheduleTime, and the controller's MissSchedule / JobAlreadyActive
// events or a long-running active Job (concurrencyPolicy Forbid) say why. A suspended CronJob is quiet on
// purpose: no finding.
import type { V1CronJob, V1Job } from "@kubernetes/client-node";
import { type CronSchedule, parseCron, runsBetween } from "@vigil/contracts";
import { defineAnalyzer, type AnalysisContext, type FindingDraft, type HypothesisDraft } from "../../analyzer-definition.js";
import { eventEvidence, ms, objectEvidence, refOf } from "../../evidence.js";
import { humanDuration } from "../pod/pod-facts.js";
import { conditionOf, eventsOf, latestWarning } from "./workload-facts.js";

const nameOf = (c: V1CronJob): string => `${c.metadata?.namespace ?? ""}/${c.metadata?.name ?? ""}`;
/** Without startingDeadlineSeconds, give the controller this long to start a due run. */
const DEFAULT_START_SLACK_MS = 60_000;

const finished = (j: V1Job): "Complete" | "Failed" | undefined =>
  conditionOf(j.status?.conditions, "Failed")?.status === "True"
    ? "Failed"
    : conditionOf(j.status?.conditions, "Complete")?.status === "True"
      ? "Complete"
      : undefined;

const startedAt = (j: V1Job): number => ms(j.status?.startTime) ?? ms(j.metadata?.creationTimestamp) ?? 0;

function jobsOf(c: V1CronJob, ctx: AnalysisContext): V1Job[] {
  const uid = c.metadata?.uid;
  return (uid ? ctx.cache.store("Job").byOwner(uid) : []).sort((a, b) => startedAt(a) - startedAt(b));
}

function lastRunFailed(c: V1CronJob, jobs: V1Job[]): FindingDraft[] {
  const last = jobs.filter((j) => finished(j)).at(-1);
  if (!last || finished(last) !== "Failed") return [];
  const cond = conditionOf(last.status?.conditions, "Failed");
  return [
    {
      code: "CRONJOB_LAST_RUN_FAILED",
      severity: "warning",
      resource: refOf(c),
      summary: `The last run of cronjob ${nameOf(c)} failed: Job ${last.metadata?.name} ${cond?.reason ?? "Failed"}`,
      detail: `Job ${last.metadata?.name} (started ${new Date(startedAt(last)).toISOString()}): ${cond?.message ?? cond?.reason ?? "Failed"}. Last successful run: ${c.status?.lastSuccessfulTime ? new Date(c.status.lastSuccessfulTime).toISOString() : "never"}.`,
      evidence: [
        objectEvidence(c, `last run ${last.metadata?.name} failed`, {
          schedule: c.spec?.schedule,
          lastScheduleTime: c.status?.lastScheduleTime,
          lastSuccessfulTime: c.status?.lastSuccessfulTime,
        }),
        objectEvidence(last, `Job ${last.metadata?.name}: Failed=True (${cond?.reason ?? "?"})`, {
          failed: last.status?.failed ?? 0,
          reason: cond?.reason,
          message: cond?.message,
        }),
      ],
      hypotheses: [
        {
          statement: "The job's pods fail; the Job's own finding says how (see its pods' terminations)",
          confidence: 0.5,
          actions: ["collect_diagnostics", "escalate"],
        },
      ],
    },
  ];
}

function missedSchedule(c: V1CronJob, jobs: V1Job[], ctx: AnalysisContext): FindingDraft[] {
  const schedule = c.spec?.schedule ? readSchedule(c.spec.schedule) : undefined;
  if (!schedule) return [];
  const since = ms(c.status?.lastScheduleTime) ?? ms(c.metadata?.creationTimestamp);
  if (since === undefined) return [];
  const slack = c.spec?.startingDeadlineSeconds !== undefined ? c.spec.startingDeadlineSeconds * 1000 : DEFAULT_START_SLACK_MS;
  const missed = runsBetween(schedule, since, ctx.now - slack);
  if (missed.length === 0) return [];
  const events = eventsOf(c, ctx);
  const blocked = events.filter((e) => e.reason === "JobAlreadyActive" && (ms(e.lastTimestamp) ?? 0) > since).at(-1);
  const missEvent = latestWarning(events, "MissSchedule", "FailedNeedsStart", "FailedCreate");
  const active = jobs.filter((j) => !finished(j) && (j.status?.active ?? 0) > 0);
  const oldest = active[0];
  // One missed run without any controller event could be a controller that is merely slow: ask for two.
  if (!blocked && !missEvent && missed.length < 2) return [];
  const hypotheses: HypothesisDraft[] = [];
  if (c.spec?.concurrencyPolicy === "Forbid" && oldest) {
    hypotheses.push({
      statement: `Job ${oldest.metadata?.name} has been running for ${humanDuration(ctx.now - startedAt(oldest))} and concurrencyPolicy Forbid skips every run while it is active: it is probably hung; deleting it unblocks the schedule`,
      confidence: 0.8,
      actions: ["escalate", "notify_only"],
    });
  } else if (missEvent?.reason === "MissSchedule" || missed.length >= 2) {
    hypotheses.push({
      statement: "The CronJob controller could not start the runs in time (startingDeadlineSeconds too short, or the controller was down)",
      confidence: 0.5,
      actions: ["escalate"],
    });
  }
  if (hypotheses.length === 0) hypotheses.push({ statement: "Runs are due but not started", confidence: 0.4, actions: ["escalate"] });
  return [
    {
      code: "CRONJOB_MISSED_SCHEDULE",
      severity: "warning",
      resource: refOf(c),
      summary: `CronJob ${nameOf(c)} has not started ${missed.length} scheduled run(s) since ${new Date(since).toISOString()}${oldest && c.spec?.concurrencyPolicy === "Forbid" ? `: blocked by active Job ${oldest.metadata?.name}` : ""}`,
      detail: `Schedule "${c.spec?.schedule}", concurrencyPolicy ${c.spec?.concurrencyPolicy ?? "Allow"}; last scheduled ${c.status?.lastScheduleTime ? new Date(c.status.lastScheduleTime).toISOString() : "never"}; runs due since: ${missed
        .slice(-5)
        .map((t) => new Date(t).toISOString())
        .join(", ")}. Active jobs: ${active.map((j) => j.metadata?.name).join(", ") || "none"}.`,
      evidence: [
        objectEvidence(c, `${missed.length} run(s) due since the last schedule`, {
          schedule: c.spec?.schedule,
          concurrencyPolicy: c.spec?.concurrencyPolicy,
          lastScheduleTime: c.status?.lastScheduleTime,
          active: active.map((j) => j.metadata?.name),
        }),
        ...(oldest
          ? [
              objectEvidence(oldest, `active Job ${oldest.metadata?.name} running since ${new Date(startedAt(oldest)).toISOString()}`, {
                startTime: oldest.status?.startTime,
                active: oldest.status?.active,
              }),
            ]
          : []),
        ...(blocked ? [eventEvidence(blocked)] : []),
        ...(missEvent ? [eventEvidence(missEvent)] : []),
      ],
      hypotheses,
    },
  ];
}

function cronJob(c: V1CronJob, ctx: AnalysisContext): FindingDraft[] {
  if (c.spec?.suspend) return [];
  const jobs = jobsOf(c, ctx);
  return [...lastRunFailed(c, jobs), ...missedSchedule(c, jobs, ctx)];
}

export const cronJobAnalyzer = defineAnalyzer({ name: "cronjob", area: "workload", kind: "CronJob", analyze: cronJob });

/** The schedule, or undefined when it cannot be read (the CronJob controller does not run it either). */
function readSchedule(text: string): CronSchedule | undefined {
  try {
    return parseCron(text);
  } catch {
    return undefined;
  }
}

// The cronjob controller (cronjob_controllerv2.go): a Job `<cronjob>-<scheduled minute since epoch>` for the most
// recent schedule time the clock has reached, with concurrencyPolicy, suspend, startingDeadlineSeconds, the
// active list and history limits. Schedules are evaluated in UTC (spec.timeZone is not applied).
import type { Cluster } from "../cluster.js";
import { R } from "../api/resources.js";
import { rfc3339 } from "../clock.js";
import type { KubeObject } from "../types.js";
import { type Controller, syncEach } from "./controller.js";
import { countMissed, parseCron, type CronSchedule } from "@vigil/contracts";
import { isJobFinished } from "./job.js";
import { OwnerIndex, controllerRefFor } from "./owner.js";
import { recordEvent } from "./record-event.js";
import { clone } from "../json.js";

const SOURCE = { component: "cronjob-controller" };
const SCHEDULED_TIMESTAMP = "batch.kubernetes.io/cronjob-scheduled-timestamp";

const finishedType = (job: KubeObject): "Complete" | "Failed" | undefined =>
  (job.status?.conditions as any[] | undefined)?.find((c) => (c.type === "Complete" || c.type === "Failed") && c.status === "True")?.type;

/** time.RFC1123Z, as the MissSchedule event prints the scheduled time. */
const rfc1123z = (ms: number): string => {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, "0");
  const day = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"][d.getUTCDay()];
  const mon = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"][d.getUTCMonth()];
  return `${day}, ${p(d.getUTCDate())} ${mon} ${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
};

const jobRef = (job: KubeObject) => ({
  apiVersion: "batch/v1",
  kind: "Job",
  name: job.metadata.name,
  namespace: job.metadata.namespace,
  uid: job.metadata.uid,
  resourceVersion: job.metadata.resourceVersion,
});

export class CronJobController implements Controller {
  readonly name = "cronjob";
  private readonly schedules = new Map<string, CronSchedule | Error>();
  /** Schedule times already reported as skipped, so a skip is reported once rather than on every pass. */
  private readonly reported = new Map<string, string>();

  reconcile(cluster: Cluster): void {
    const cronJobs = cluster.list(R.cronjobs);
    if (cronJobs.length === 0) return;
    const jobs = new OwnerIndex(cluster.list(R.jobs));
    syncEach(cronJobs, (cj) => this.sync(cluster, cj, jobs.ownedBy(cj.metadata.uid)));
  }

  private schedule(spec: string): CronSchedule | Error {
    let s = this.schedules.get(spec);
    if (!s) {
      try {
        s = parseCron(spec);
      } catch (err) {
        s = err as Error;
      }
      this.schedules.set(spec, s);
    }
    return s;
  }

  /** Records a skip once per (cronjob, reason, scheduled time). */
  private reportOnce(cluster: Cluster, cj: KubeObject, key: string, reason: string, message: string, type: "Normal" | "Warning"): void {
    const id = `${cj.metadata.uid}/${reason}`;
    if (this.reported.get(id) === key) return;
    this.reported.set(id, key);
    recordEvent(cluster, cj, reason, message, { type, source: SOURCE });
  }

  private sync(cluster: Cluster, cj: KubeObject, children: KubeObject[]): void {
    const now = cluster.now();
    const event = (reason: string, message: string, type: "Normal" | "Warning" = "Normal") =>
      recordEvent(cluster, cj, reason, message, { type, source: SOURCE });
    const status = clone(cj.status ?? {});
    let active: any[] = [...(status.active ?? [])];
    const byUid = new Map(children.map((j) => [j.metadata.uid, j]));
    let lastSuccessful: number | undefined = status.lastSuccessfulTime ? Date.parse(status.lastSuccessfulTime) : undefined;
    for (const j of children) {
      const inActive = active.some((a) => a.uid === j.metadata.uid);
      const finished = isJobFinished(j);
      if (!inActive && !finished) active.push(jobRef(j));
      else if (inActive && finished) {
        active = active.filter((a) => a.uid !== j.metadata.uid);
        event("SawCompletedJob", `Saw completed job: ${j.metadata.name}, status: ${finishedType(j)}`);
      }
      if (finishedType(j) === "Complete" && j.status?.completionTime) {
        const t = Date.parse(j.status.completionTime);
        if (lastSuccessful === undefined || t > lastSuccessful) lastSuccessful = t;
      }
    }
    for (const a of [...active]) {
      if (byUid.has(a.uid)) continue;
      active = active.filter((x) => x.uid !== a.uid);
      event("MissingJob", `Active job went missing: ${a.name}`);
    }
    let lastSchedule: number | undefined = status.lastScheduleTime ? Date.parse(status.lastScheduleTime) : undefined;

    const sched = this.schedule(cj.spec.schedule ?? "");
    if (sched instanceof Error) {
      this.reportOnce(
        cluster,
        cj,
        cj.spec.schedule,
        "UnparseableSchedule",
        `unparseable schedule: "${cj.spec.schedule}" : ${sched.message}`,
        "Warning",
      );
    } else if (!cj.spec.suspend) {
      const earliest = lastSchedule ?? Date.parse(cj.metadata.creationTimestamp!);
      const scheduled = sched.mostRecent(earliest, now);
      if (scheduled !== undefined) {
        const key = String(scheduled);
        if (countMissed(sched, earliest, now, 101) > 100) {
          this.reportOnce(
            cluster,
            cj,
            key,
            "TooManyMissedTimes",
            "too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew",
            "Warning",
          );
        }
        const deadline = cj.spec.startingDeadlineSeconds;
        if (deadline !== undefined && deadline !== null && scheduled + deadline * 1000 < now) {
          this.reportOnce(cluster, cj, key, "MissSchedule", `Missed scheduled time to start a job: ${rfc1123z(scheduled)}`, "Warning");
        } else if (cj.spec.concurrencyPolicy === "Forbid" && active.length > 0) {
          // The run is not recorded as scheduled: it starts once the active job finishes, if still in time.
          this.reportOnce(
            cluster,
            cj,
            key,
            "JobAlreadyActive",
            "Not starting job because prior execution is running and concurrency policy is Forbid",
            "Normal",
          );
        } else {
          if (cj.spec.concurrencyPolicy === "Replace") {
            for (const a of active) {
              const j = byUid.get(a.uid);
              if (j) this.deleteJob(cluster, cj, j);
            }
            active = [];
          }
          const job = this.createJob(cluster, cj, scheduled);
          if (job && !active.some((a) => a.uid === job.metadata.uid) && !isJobFinished(job)) active.push(jobRef(job));
          lastSchedule = scheduled;
        }
      }
    }
    this.cleanupHistory(cluster, cj, children, active);
    const alive = new Set(children.map((j) => j.metadata.uid));
    active = active.filter((a) => alive.has(a.uid) || cluster.get(R.jobs, a.namespace, a.name)?.metadata.uid === a.uid);
    cluster.updateStatus(R.cronjobs, cj.metadata.namespace, cj.metadata.name!, (d) => {
      d.status = {
        ...(active.length ? { active } : {}),
        ...(lastSchedule !== undefined ? { lastScheduleTime: rfc3339(lastSchedule) } : {}),
        ...(lastSuccessful !== undefined ? { lastSuccessfulTime: rfc3339(lastSuccessful) } : {}),
      };
    });
  }

  /** getJobFromTemplate2: a deterministic name per scheduled time, so a run is never created twice. */
  private createJob(cluster: Cluster, cj: KubeObject, scheduled: number): KubeObject | undefined {
    const template = cj.spec.jobTemplate ?? {};
    const name = `${cj.metadata.name}-${Math.floor(scheduled / 60_000)}`;
    const existing = cluster.get(R.jobs, cj.metadata.namespace, name);
    if (existing) return existing.metadata.ownerReferences?.some((r) => r.uid === cj.metadata.uid) ? existing : undefined;
    const job = cluster.create(R.jobs, {
      apiVersion: "batch/v1",
      kind: "Job",
      metadata: {
        name,
        namespace: cj.metadata.namespace,
        ...(template.metadata?.labels ? { labels: clone(template.metadata.labels) } : {}),
        annotations: { ...(template.metadata?.annotations ?? {}), [SCHEDULED_TIMESTAMP]: rfc3339(scheduled) },
        ownerReferences: [controllerRefFor(cj)],
      },
      spec: clone(template.spec ?? {}),
    });
    recordEvent(cluster, cj, "SuccessfulCreate", `Created job ${name}`, { source: SOURCE });
    return job;
  }

  private deleteJob(cluster: Cluster, cj: KubeObject, job: KubeObject): void {
    if (!cluster.get(R.jobs, job.metadata.namespace, job.metadata.name!)) return;
    cluster.delete(R.jobs, job.metadata.namespace, job.metadata.name!, { propagationPolicy: "Background" });
    recordEvent(cluster, cj, "SuccessfulDelete", `Deleted job ${job.metadata.name}`, { source: SOURCE });
  }

  /** cleanupFinishedJobs: keeps the newest successfulJobsHistoryLimit / failedJobsHistoryLimit finished jobs. */
  private cleanupHistory(cluster: Cluster, cj: KubeObject, children: KubeObject[], active: any[]): void {
    const byStart = (a: KubeObject, b: KubeObject): number => {
      const [sa, sb] = [a.status?.startTime, b.status?.startTime];
      if (sa !== sb) return !sa ? 1 : !sb ? -1 : sa < sb ? -1 : 1;
      return a.metadata.name! < b.metadata.name! ? -1 : 1;
    };
    for (const [type, limit] of [
      ["Complete", cj.spec.successfulJobsHistoryLimit],
      ["Failed", cj.spec.failedJobsHistoryLimit],
    ] as const) {
      if (limit === undefined || limit === null) continue;
      const finished = children.filter((j) => finishedType(j) === type).sort(byStart);
      for (const j of finished.slice(0, Math.max(0, finished.length - limit))) {
        this.deleteJob(cluster, cj, j);
        const i = active.findIndex((a) => a.uid === j.metadata.uid);
        if (i >= 0) active.splice(i, 1);
      }
    }
  }
}

// The job controller (job_controller.go, v1.31 behaviour): pods up to parallelism until `completions` succeed,
// failures counted against backoffLimit with exponential pod re-creation back-off, activeDeadlineSeconds,
// suspend, Indexed completion, SuccessCriteriaMet/Complete and FailureTarget/Failed, and ttlSecondsAfterFinished.
import { labelSelectorFromObject } from "@vigil/contracts";
import type { Cluster } from "../cluster.js";
import { R } from "../api/resources.js";
import type { KubeObject, Pod } from "../types.js";
import { type Controller, syncEach } from "./controller.js";
import { JOB_SOURCE, TRACKING_FINALIZER, completionIndex, formatIndexes, isIndexed, jobPod, outcome, parseIndexes } from "./job-pods.js";
import { OwnerIndex, claim } from "./owner.js";
import { finishedAt, isPodActive, isPodReady, restartCount } from "./pod-state.js";
import { createPod } from "./pod-template.js";
import { podsToDeleteFirst } from "./replicaset.js";
import { TickGate } from "./tick-gate.js";
import { recordEvent } from "./record-event.js";

const DEFAULT_BACKOFF = 10_000;
const MAX_BACKOFF = 6 * 60_000;

interface Finish {
  type: "Complete" | "Failed";
  reason: string;
  message: string;
}
interface BackoffRecord {
  failuresAfterLastSuccess: number;
  lastFailureTime: number;
}

const condition = (job: KubeObject, type: string) =>
  (job.status?.conditions as any[] | undefined)?.find((c) => c.type === type && c.status === "True");
export const isJobFinished = (job: KubeObject): boolean => !!(condition(job, "Complete") || condition(job, "Failed"));
const newCondition = (type: string, status: string, reason: string, message: string, now: string) => ({
  type,
  status,
  lastProbeTime: now,
  lastTransitionTime: now,
  reason,
  message,
});

const dropTrackingFinalizer = (cluster: Cluster, p: Pod): void => {
  cluster.mutate(R.pods, p.metadata.namespace, p.metadata.name!, (d) => {
    d.metadata.finalizers = d.metadata.finalizers?.filter((f) => f !== TRACKING_FINALIZER);
    if (d.metadata.finalizers?.length === 0) delete d.metadata.finalizers;
  });
};

export class JobController implements Controller {
  readonly name = "job";
  private readonly backoffs = new Map<string, BackoffRecord>();
  /** Uids of each job's pods not yet counted: one that disappears uncounted was deleted while running, a failure. */
  private readonly tracked = new Map<string, Set<string>>();
  private readonly failures = new TickGate();

  reconcile(cluster: Cluster): void {
    const jobs = cluster.list(R.jobs);
    if (jobs.length === 0 && this.tracked.size === 0) return;
    const pods = new OwnerIndex(cluster.list<Pod>(R.pods));
    try {
      syncEach(jobs, (job) => {
        if (isJobFinished(job)) this.expire(cluster, job);
        else this.sync(cluster, job, pods);
      });
    } finally {
      const live = new Set(jobs.filter((j) => !isJobFinished(j)).map((j) => j.metadata.uid!));
      for (const uid of [...this.tracked.keys(), ...this.backoffs.keys()]) {
        if (!live.has(uid)) {
          this.tracked.delete(uid);
          this.backoffs.delete(uid);
        }
      }
    }
  }

  /** The TTL-after-finished controller: finished jobs go (with their pods) ttlSecondsAfterFinished later. */
  private expire(cluster: Cluster, job: KubeObject): void {
    const ttl = job.spec?.ttlSecondsAfterFinished;
    if (ttl === undefined || ttl === null) return;
    const finished = job.status?.completionTime ?? condition(job, "Failed")?.lastTransitionTime;
    if (finished && cluster.now() >= Date.parse(finished) + ttl * 1000)
      cluster.delete(R.jobs, job.metadata.namespace, job.metadata.name!, { propagationPolicy: "Background" });
  }

  private sync(cluster: Cluster, job: KubeObject, index: OwnerIndex<Pod>): void {
    const uid = job.metadata.uid!;
    const spec = job.spec;
    const now = cluster.now();
    const event = (reason: string, message: string, type: "Normal" | "Warning" = "Normal") =>
      recordEvent(cluster, job, reason, message, { type, source: JOB_SOURCE });
    const labelSelector = labelSelectorFromObject(spec.selector);
    const pods = claim(cluster, R.pods, job, index, { matches: (p) => labelSelector.matches(p.metadata.labels), canAdopt: isPodActive });
    const suspended = !!spec.suspend;
    const indexed = isIndexed(job);
    const completions: number | undefined = spec.completions ?? undefined;

    // Count finished pods that still carry the tracking finalizer, and pods that vanished uncounted.
    const uncounted = pods.filter((p) => p.metadata.finalizers?.includes(TRACKING_FINALIZER) && outcome(p));
    const present = new Set(pods.map((p) => p.metadata.uid));
    const vanished = [...(this.tracked.get(uid) ?? [])].filter((u) => !present.has(u)).length;
    const newSucceeded = uncounted.filter((p) => outcome(p) === "succeeded");
    const newFailed = uncounted.filter((p) => outcome(p) === "failed");
    const succeededIndexes = parseIndexes(job.status?.completedIndexes);
    if (indexed)
      for (const p of newSucceeded) {
        const i = completionIndex(p);
        if (i !== undefined && i < (completions ?? 0)) succeededIndexes.add(i);
      }
    const succeeded = indexed ? succeededIndexes.size : (job.status?.succeeded ?? 0) + newSucceeded.length;
    let failed = (job.status?.failed ?? 0) + newFailed.length + vanished;
    const record = this.backoffRecord(uid, [...newSucceeded, ...newFailed], vanished, now);
    const startTime: string | undefined = job.status?.startTime ?? (suspended ? undefined : cluster.timestamp());

    let finish: Finish | undefined;
    const backoffLimit = spec.backoffLimit ?? 6;
    const onFailureRestarts =
      spec.template?.spec?.restartPolicy === "OnFailure"
        ? pods.filter((p) => p.status?.phase === "Running" || p.status?.phase === "Pending").reduce((n, p) => n + restartCount(p), 0)
        : 0;
    const pastRestartLimit = onFailureRestarts > 0 && (backoffLimit === 0 || onFailureRestarts >= backoffLimit);
    if (failed > backoffLimit || pastRestartLimit) {
      finish = { type: "Failed", reason: "BackoffLimitExceeded", message: "Job has reached the specified backoff limit" };
    } else if (
      spec.activeDeadlineSeconds !== undefined &&
      startTime &&
      !suspended &&
      now - Date.parse(startTime) >= spec.activeDeadlineSeconds * 1000
    ) {
      finish = { type: "Failed", reason: "DeadlineExceeded", message: "Job was active longer than specified deadline" };
    }

    let active = pods.filter(isPodActive);
    const deleted = new Set<string>();
    const remove = (victims: Pod[]): void => {
      for (const p of victims) {
        // Already accounted for here: the tracking finalizer goes first, so the terminating pod is not counted again.
        dropTrackingFinalizer(cluster, p);
        cluster.delete(R.pods, p.metadata.namespace, p.metadata.name!);
        deleted.add(p.metadata.uid!);
        event("SuccessfulDelete", `Deleted pod: ${p.metadata.name}`);
      }
      active = active.filter((p) => !deleted.has(p.metadata.uid!));
    };
    let suspendCondition: ReturnType<typeof newCondition> | undefined;
    if (finish) {
      // A failing job's running pods are killed, and count as failed.
      failed += active.length;
      remove(active);
    } else if (suspended) {
      remove(active);
      if (!condition(job, "Suspended")) {
        suspendCondition = newCondition("Suspended", "True", "JobSuspended", "Job suspended", cluster.timestamp());
        event("Suspended", "Job suspended");
      }
    } else {
      const parallelism = spec.parallelism ?? 1;
      const wantActive =
        completions === undefined
          ? succeeded > 0
            ? active.length
            : parallelism
          : Math.max(0, Math.min(completions - succeeded, parallelism));
      if (active.length > wantActive) remove(podsToDeleteFirst(active).slice(0, active.length - wantActive));
      else if (active.length < wantActive && this.backoffRemaining(record, now) <= 0 && !this.failures.blocked(uid, now)) {
        const busy = new Set(active.map(completionIndex));
        const pending = indexed ? [...Array(completions ?? 0).keys()].filter((i) => !succeededIndexes.has(i) && !busy.has(i)) : [];
        const missing = indexed ? Math.min(wantActive - active.length, pending.length) : wantActive - active.length;
        for (let n = 0; n < missing; n++) {
          try {
            const pod = createPod(cluster, jobPod(job, indexed ? pending[n] : undefined));
            event("SuccessfulCreate", `Created pod: ${pod.metadata.name}`);
            active = [...active, pod];
          } catch (err) {
            this.failures.allow(uid, now);
            event("FailedCreate", `Error creating: ${(err as Error).message}`, "Warning");
            break;
          }
        }
      }
      if (condition(job, "Suspended")) {
        suspendCondition = newCondition("Suspended", "False", "JobResumed", "Job resumed", cluster.timestamp());
        event("Resumed", "Job resumed");
      }
      const complete = completions === undefined ? succeeded > 0 && active.length === 0 : succeeded >= completions && active.length === 0;
      if (complete) finish = { type: "Complete", reason: "CompletionsReached", message: "Reached expected number of succeeded pods" };
    }

    this.writeStatus(cluster, job, {
      finish,
      suspendCondition,
      failed,
      succeeded,
      startTime,
      active: active.length,
      ready: active.filter(isPodReady).length,
      completedIndexes: indexed ? formatIndexes(succeededIndexes) : undefined,
      // A resumed job restarts its activeDeadlineSeconds clock.
      restartClock: suspendCondition?.reason === "JobResumed",
    });
    if (finish?.type === "Complete") event("Completed", "Job completed");
    else if (finish) event(finish.reason, finish.message, "Warning");
    // Counted pods lose the finalizer, so they are never counted again.
    for (const p of uncounted) dropTrackingFinalizer(cluster, p);
    this.tracked.set(uid, new Set(active.filter((p) => !deleted.has(p.metadata.uid!)).map((p) => p.metadata.uid!)));
  }

  private writeStatus(
    cluster: Cluster,
    job: KubeObject,
    s: {
      finish?: Finish;
      suspendCondition?: ReturnType<typeof newCondition>;
      failed: number;
      succeeded: number;
      startTime?: string;
      active: number;
      ready: number;
      completedIndexes?: string;
      restartClock: boolean;
    },
  ): void {
    const now = cluster.timestamp();
    cluster.updateStatus(R.jobs, job.metadata.namespace, job.metadata.name!, (d) => {
      let conditions: any[] = [...((d.status?.conditions as any[] | undefined) ?? [])];
      if (s.suspendCondition) conditions = [...conditions.filter((c) => c.type !== "Suspended"), s.suspendCondition];
      if (s.finish) {
        // The interim condition (SuccessCriteriaMet / FailureTarget) precedes the terminal one, as in v1.31+.
        const interim = s.finish.type === "Complete" ? "SuccessCriteriaMet" : "FailureTarget";
        if (!conditions.some((c) => c.type === interim))
          conditions.push(newCondition(interim, "True", s.finish.reason, s.finish.message, now));
        conditions.push(newCondition(s.finish.type, "True", s.finish.reason, s.finish.message, now));
      }
      const startTime = s.restartClock ? now : s.startTime;
      d.status = {
        ...(conditions.length ? { conditions } : {}),
        ...(startTime ? { startTime } : {}),
        ...(s.finish?.type === "Complete" ? { completionTime: now } : {}),
        ...(s.active ? { active: s.active } : {}),
        ...(s.succeeded ? { succeeded: s.succeeded } : {}),
        ...(s.failed ? { failed: s.failed } : {}),
        terminating: 0,
        ...(s.completedIndexes ? { completedIndexes: s.completedIndexes } : {}),
        uncountedTerminatedPods: {},
        ready: s.ready,
      };
    });
  }

  /** The back-off record: failures since the last success, and when the last one finished. */
  private backoffRecord(uid: string, finished: Pod[], vanished: number, now: number): BackoffRecord {
    const record = this.backoffs.get(uid) ?? { failuresAfterLastSuccess: 0, lastFailureTime: 0 };
    for (const p of [...finished].sort((a, b) => finishedAt(a, now) - finishedAt(b, now))) {
      if (outcome(p) === "succeeded") record.failuresAfterLastSuccess = 0;
      else {
        record.failuresAfterLastSuccess++;
        record.lastFailureTime = Math.max(record.lastFailureTime, finishedAt(p, now));
      }
    }
    if (vanished) {
      record.failuresAfterLastSuccess += vanished;
      record.lastFailureTime = now;
    }
    this.backoffs.set(uid, record);
    return record;
  }

  /** 10s doubling per failure since the last success, at most 6 minutes, counted from the last failure. */
  private backoffRemaining(record: BackoffRecord, now: number): number {
    if (record.failuresAfterLastSuccess === 0) return 0;
    const delay = Math.min(MAX_BACKOFF, DEFAULT_BACKOFF * 2 ** (record.failuresAfterLastSuccess - 1));
    return delay - (now - record.lastFailureTime);
  }
}

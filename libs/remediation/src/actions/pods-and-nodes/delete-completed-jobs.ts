// delete_completed_jobs: deletes the Jobs of a namespace (or, for a CronJob target, that CronJob's Jobs by owner
// reference) whose Complete condition is True and whose completionTime is older than minAgeMinutes on the
// cluster's clock, oldest first, at most maxJobs. Failed Jobs are never touched (they are evidence). Deletion uses
// background propagation, so the garbage collector removes their pods too, and the Job's uid as a precondition.
// Nothing to delete is a refusal. Not reversible.
import type { V1Job } from "@kubernetes/client-node";
import { isConflict, isNotFound } from "@vigil/kube";
import { ActionRefusal, defineActionImplementation } from "../../action-implementation.js";
import { isoOf } from "./pod-facts.js";
import { describeTarget, namespaceOf } from "./target-object.js";

const fieldOf = (name: string) => `jobs[${name}]`;

const isComplete = (job: V1Job): boolean => (job.status?.conditions ?? []).some((c) => c.type === "Complete" && c.status === "True");

const completedAt = (job: V1Job): number => {
  const t = job.status?.completionTime ?? job.status?.conditions?.find((c) => c.type === "Complete")?.lastTransitionTime;
  return t ? new Date(t).getTime() : 0;
};

const ownedByCronJob = (job: V1Job, cronJob: string): boolean =>
  (job.metadata?.ownerReferences ?? []).some((r) => r.kind === "CronJob" && r.name === cronJob && r.controller === true);

export const deleteCompletedJobs = defineActionImplementation({
  name: "delete_completed_jobs",
  async plan(ctx) {
    const cronJob = ctx.target.kind === "CronJob" ? ctx.target.name : undefined;
    const ns = cronJob ? namespaceOf(ctx.target) : ctx.target.name;
    const { minAgeMinutes, maxJobs } = ctx.parameters;
    const jobs = (await ctx.kube.list("Job", { namespace: ns })).filter(
      (j) => !j.metadata?.deletionTimestamp && (!cronJob || ownedByCronJob(j, cronJob)),
    );
    // Read after the list: the cluster clock is refreshed by the API server's answer (a virtual clock may have jumped).
    const cutoff = ctx.now() - minAgeMinutes * 60_000;
    const complete = jobs.filter(isComplete);
    const old = complete.filter((j) => completedAt(j) <= cutoff).sort((a, b) => completedAt(a) - completedAt(b));
    const scope = cronJob ? `CronJob ${ns}/${cronJob}` : describeTarget(ctx.target);
    if (old.length === 0)
      throw new ActionRefusal(
        `no Jobs of ${scope} completed more than ${minAgeMinutes} minutes ago${complete.length ? ` (${complete.length} completed more recently)` : ""}${jobs.length > complete.length ? `; ${jobs.length - complete.length} running or failed Job(s) are never deleted by this action` : ""}: nothing to delete`,
      );
    const chosen = old.slice(0, maxJobs);
    const entry = (j: V1Job) => ({
      uid: j.metadata?.uid,
      completedAt: isoOf(new Date(completedAt(j))),
      succeeded: j.status?.succeeded ?? 0,
    });
    return {
      summary: `delete ${chosen.length} Job(s) of ${scope} completed more than ${minAgeMinutes} minutes ago, with their pods (background propagation)${old.length > chosen.length ? `; ${old.length - chosen.length} more left for a later run (maxJobs ${maxJobs})` : ""}`,
      before: Object.fromEntries(chosen.map((j) => [fieldOf(j.metadata?.name ?? ""), entry(j)])),
      consequences: {},
      async apply(kube) {
        const deleted: Array<ReturnType<typeof entry> & { name: string }> = [];
        const alreadyGone: string[] = [];
        for (const j of chosen) {
          const name = j.metadata?.name ?? "";
          try {
            await kube.delete(
              { kind: "Job", name, namespace: ns },
              { propagationPolicy: "Background", preconditions: { uid: j.metadata?.uid ?? "" } },
            );
            deleted.push({ name, ...entry(j) });
          } catch (err) {
            if (isNotFound(err) || isConflict(err)) alreadyGone.push(name);
            else throw err;
          }
        }
        return { after: Object.fromEntries(chosen.map((j) => [fieldOf(j.metadata?.name ?? ""), null])), details: { deleted, alreadyGone } };
      },
      async verify(kube) {
        const uids = new Set(chosen.map((j) => j.metadata?.uid));
        const left = (await kube.list("Job", { namespace: ns })).filter((j) => uids.has(j.metadata?.uid) && !j.metadata?.deletionTimestamp);
        return left.length
          ? { ok: false, detail: `Job(s) still present: ${left.map((j) => j.metadata?.name).join(", ")}` }
          : { ok: true, detail: `${chosen.length} completed Job(s) of ${scope} deleted` };
      },
    };
  },
});

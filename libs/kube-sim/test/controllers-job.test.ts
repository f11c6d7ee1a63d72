// Job controller: pods up to parallelism until completions succeed, backoffLimit with pod re-creation back-off,
// activeDeadlineSeconds, Indexed jobs, TTL. Pod outcomes are written by a stand-in for the kubelet.
import { test } from "node:test";
import assert from "node:assert/strict";
import { R } from "../src/api/resources.js";
import { JobController } from "../src/controllers/job.js";
import { GarbageCollector } from "../src/controllers/garbage-collector.js";
import type { KubeObject, Pod } from "../src/types.js";
import { env, eventsOf, markFinished, markReady, type Env } from "./controllers-helpers.js";

const jobManifest = (spec: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: "batch/v1",
  kind: "Job",
  metadata: { name: "migrate", namespace: "default" },
  spec: {
    ...spec,
    template: { spec: { restartPolicy: "Never", containers: [{ name: "migrate", image: "shop/migrate:1.0" }] } },
  },
});
const job = (e: Env): KubeObject => e.cluster.mustGet(R.jobs, "default", "migrate");
const pods = (e: Env): Pod[] => e.cluster.list<Pod>(R.pods, "default");
const running = (e: Env): Pod[] => pods(e).filter((p) => p.status?.phase !== "Succeeded" && p.status?.phase !== "Failed");
/** Stands in for the kubelet: every running pod of the job exits with the given outcome. */
const finishAll = (e: Env, phase: "Succeeded" | "Failed"): void => {
  for (const p of running(e)) markFinished(e.cluster, p, phase);
  e.settle();
};
const cond = (e: Env, type: string) => (job(e).status.conditions ?? []).find((c: any) => c.type === type);

test("a Job runs up to parallelism pods until completions succeed, then is Complete", () => {
  const e = env([new JobController()]);
  e.cluster.create(R.jobs, jobManifest({ completions: 3, parallelism: 2 }));
  e.settle();
  const j = job(e);
  assert.equal(running(e).length, 2);
  const p = pods(e)[0]!;
  assert.match(p.metadata.name!, /^migrate-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  assert.deepEqual(
    [
      p.metadata.labels!["batch.kubernetes.io/job-name"],
      p.metadata.labels!["job-name"],
      p.metadata.labels!["batch.kubernetes.io/controller-uid"],
      p.metadata.labels!["controller-uid"],
    ],
    ["migrate", "migrate", j.metadata.uid, j.metadata.uid],
  );
  assert.deepEqual(p.metadata.finalizers, ["batch.kubernetes.io/job-tracking"]);
  assert.equal(p.metadata.ownerReferences![0]!.kind, "Job");
  assert.equal(j.status.active, 2);
  assert.equal(j.status.ready, 0);
  assert.ok(j.status.startTime);
  markReady(e.cluster, p);
  e.settle();
  assert.equal(job(e).status.ready, 1);

  finishAll(e, "Succeeded");
  assert.equal(job(e).status.succeeded, 2);
  assert.equal(running(e).length, 1, "one completion left");
  assert.ok(
    pods(e)
      .filter((x) => x.status?.phase === "Succeeded")
      .every((x) => !x.metadata.finalizers),
    "counted pods lose the tracking finalizer",
  );
  finishAll(e, "Succeeded");
  const s = job(e).status;
  assert.equal(s.succeeded, 3);
  assert.equal(s.active, undefined);
  assert.ok(s.completionTime);
  assert.deepEqual(
    s.conditions.map((c: any) => [c.type, c.status, c.reason, c.message]),
    [
      ["SuccessCriteriaMet", "True", "CompletionsReached", "Reached expected number of succeeded pods"],
      ["Complete", "True", "CompletionsReached", "Reached expected number of succeeded pods"],
    ],
  );
  const events = eventsOf(e.cluster, job(e));
  assert.equal(events.filter((x) => x.reason === "SuccessfulCreate").length, 3);
  assert.ok(events.some((x) => x.reason === "SuccessfulCreate" && x.message === `Created pod: ${p.metadata.name}`));
  assert.ok(events.some((x) => x.reason === "Completed" && x.message === "Job completed"));
});

test("failed pods count against backoffLimit, with back-off before each re-creation", () => {
  const e = env([new JobController()]);
  e.cluster.create(R.jobs, jobManifest({ backoffLimit: 2 }));
  e.settle();
  finishAll(e, "Failed");
  assert.equal(job(e).status.failed, 1);
  assert.equal(running(e).length, 0, "re-creation waits 10 s");
  e.advance(11);
  assert.equal(running(e).length, 1);
  finishAll(e, "Failed");
  e.advance(15);
  assert.equal(running(e).length, 0, "the second back-off is 20 s");
  e.advance(6);
  assert.equal(running(e).length, 1);
  finishAll(e, "Failed");
  const s = job(e).status;
  assert.equal(s.failed, 3);
  assert.deepEqual(
    s.conditions.map((c: any) => [c.type, c.reason, c.message]),
    [
      ["FailureTarget", "BackoffLimitExceeded", "Job has reached the specified backoff limit"],
      ["Failed", "BackoffLimitExceeded", "Job has reached the specified backoff limit"],
    ],
  );
  assert.ok(
    eventsOf(e.cluster, job(e)).some(
      (x) => x.type === "Warning" && x.reason === "BackoffLimitExceeded" && x.message === "Job has reached the specified backoff limit",
    ),
  );
  e.advance(60);
  assert.equal(running(e).length, 0);
  assert.equal(pods(e).length, 3, "failed pods stay for inspection");
});

test("activeDeadlineSeconds fails the job and kills its pods", () => {
  const e = env([new JobController()]);
  e.cluster.create(R.jobs, jobManifest({ activeDeadlineSeconds: 30 }));
  e.settle();
  e.advance(29);
  assert.equal(running(e).length, 1);
  e.advance(1);
  assert.equal(running(e).length, 0);
  assert.equal(cond(e, "Failed").reason, "DeadlineExceeded");
  assert.equal(cond(e, "Failed").message, "Job was active longer than specified deadline");
  assert.ok(eventsOf(e.cluster, job(e)).some((x) => x.reason === "DeadlineExceeded"));
});

test("a pod deleted while running counts as a failure and is replaced", () => {
  const e = env([new JobController()]);
  e.cluster.create(R.jobs, jobManifest({}));
  e.settle();
  const p = running(e)[0]!;
  e.cluster.delete(R.pods, "default", p.metadata.name!);
  e.settle();
  assert.equal(job(e).status.failed, 1);
  e.advance(11);
  assert.equal(running(e).length, 1);
});

test("Indexed jobs give each pod a completion index and track completedIndexes", () => {
  const e = env([new JobController()]);
  e.cluster.create(R.jobs, jobManifest({ completions: 3, parallelism: 3, completionMode: "Indexed" }));
  e.settle();
  const byIndex = running(e).sort((a, b) => a.metadata.name!.localeCompare(b.metadata.name!));
  assert.deepEqual(
    byIndex.map((p) => p.metadata.annotations!["batch.kubernetes.io/job-completion-index"]),
    ["0", "1", "2"],
  );
  assert.match(byIndex[1]!.metadata.name!, /^migrate-1-[a-z0-9]{5}$/);
  assert.equal(byIndex[1]!.spec.hostname, "migrate-1");
  assert.deepEqual(byIndex[1]!.spec.containers[0]!.env, [
    {
      name: "JOB_COMPLETION_INDEX",
      valueFrom: { fieldRef: { fieldPath: "metadata.annotations['batch.kubernetes.io/job-completion-index']" } },
    },
  ]);
  markFinished(e.cluster, byIndex[0]!, "Succeeded");
  markFinished(e.cluster, byIndex[2]!, "Succeeded");
  e.settle();
  assert.equal(job(e).status.completedIndexes, "0,2");
  markFinished(e.cluster, byIndex[1]!, "Succeeded");
  e.settle();
  assert.equal(job(e).status.completedIndexes, "0-2");
  assert.equal(cond(e, "Complete").status, "True");
});

test("ttlSecondsAfterFinished deletes the finished job and, through the garbage collector, its pods", () => {
  const e = env([new GarbageCollector(), new JobController()]);
  e.cluster.create(R.jobs, jobManifest({ ttlSecondsAfterFinished: 60 }));
  e.settle();
  finishAll(e, "Succeeded");
  e.advance(59);
  assert.ok(e.cluster.get(R.jobs, "default", "migrate"));
  e.advance(2);
  assert.equal(e.cluster.get(R.jobs, "default", "migrate"), undefined);
  assert.equal(pods(e).length, 0);
});

test("suspend deletes active pods; resume creates them again", () => {
  const e = env([new JobController()]);
  e.cluster.create(R.jobs, jobManifest({ parallelism: 2, completions: 4 }));
  e.settle();
  e.cluster.mutate(R.jobs, "default", "migrate", (d) => void (d.spec.suspend = true));
  e.settle();
  assert.equal(running(e).length, 0);
  assert.equal(cond(e, "Suspended").reason, "JobSuspended");
  assert.equal(job(e).status.failed, undefined, "pods removed by suspension are not failures");
  e.cluster.mutate(R.jobs, "default", "migrate", (d) => void (d.spec.suspend = false));
  e.settle();
  assert.equal(running(e).length, 2);
  assert.equal((job(e).status.conditions as any[]).find((c) => c.type === "Suspended").status, "False");
});

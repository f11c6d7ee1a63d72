// CronJob controller and cron schedules: Jobs named after the scheduled minute, created as the virtual clock
// reaches each schedule time; concurrency policies, suspend, starting deadline and history limits. Job pods are
// finished by a stand-in for the kubelet.
import { test } from "node:test";
import assert from "node:assert/strict";
import { R } from "../src/api/resources.js";
import { CronJobController } from "../src/controllers/cronjob.js";
import { JobController } from "../src/controllers/job.js";
import { GarbageCollector } from "../src/controllers/garbage-collector.js";
import { countMissed, parseCron } from "@vigil/contracts";
import type { KubeObject, Pod } from "../src/types.js";
import { env, eventsOf, markFinished, type Env } from "./controllers-helpers.js";

const at = (iso: string): number => Date.parse(iso);
const iso = (ms: number | undefined): string | undefined => (ms === undefined ? undefined : new Date(ms).toISOString());

test("cron schedules: fields, ranges, steps, lists, names and descriptors", () => {
  const next = (spec: string, from: string) => iso(parseCron(spec).next(at(from)));
  assert.equal(next("*/5 * * * *", "2026-01-01T00:00:00Z"), "2026-01-01T00:05:00.000Z");
  assert.equal(next("*/15 2-4 * * *", "2026-01-01T04:50:00Z"), "2026-01-02T02:00:00.000Z");
  assert.equal(next("0 9 * * MON-FRI", "2026-01-02T10:00:00Z"), "2026-01-05T09:00:00.000Z", "Friday 10:00 → Monday 09:00");
  assert.equal(next("30 6 1,15 * *", "2026-01-02T00:00:00Z"), "2026-01-15T06:30:00.000Z");
  assert.equal(next("0 0 1 jan,jul *", "2026-02-01T00:00:00Z"), "2026-07-01T00:00:00.000Z");
  assert.equal(next("@hourly", "2026-01-01T00:30:00Z"), "2026-01-01T01:00:00.000Z");
  assert.equal(next("@daily", "2026-01-01T00:00:00Z"), "2026-01-02T00:00:00.000Z");
  assert.equal(next("@weekly", "2026-01-01T00:00:00Z"), "2026-01-04T00:00:00.000Z", "the next Sunday");
  // Day-of-month and day-of-week both restricted: either matches (the 13th, or a Friday).
  assert.equal(next("0 0 13 * 5", "2026-01-01T00:00:00Z"), "2026-01-02T00:00:00.000Z");
  assert.equal(next("5/20 * * * *", "2026-01-01T00:06:00Z"), "2026-01-01T00:25:00.000Z");
  const s = parseCron("*/5 * * * *");
  assert.equal(iso(s.mostRecent(at("2026-01-01T00:00:00Z"), at("2026-01-01T00:17:30Z"))), "2026-01-01T00:15:00.000Z");
  assert.equal(s.mostRecent(at("2026-01-01T00:15:00Z"), at("2026-01-01T00:17:30Z")), undefined);
  assert.equal(countMissed(s, at("2026-01-01T00:00:00Z"), at("2026-01-01T01:00:00Z"), 101), 12);
  assert.throws(() => parseCron("* * * *"), /expected exactly 5 fields/);
  assert.throws(() => parseCron("61 * * * *"), /above maximum/);
});

test("cron @every: a constant delay in Go duration syntax, truncated to whole seconds, at least one", () => {
  const t0 = at("2026-01-01T00:00:00Z");
  const period = (spec: string) => parseCron(`@every ${spec}`).next(t0)! - t0;
  assert.equal(period("1h30m"), 5_400_000);
  assert.equal(period("90s"), 90_000);
  assert.equal(period("1.5s"), 1_000, "truncated to the second, as robfig/cron's Every() does");
  assert.equal(period("100ms"), 1_000, "at least a second");
  const s = parseCron("@every 5m");
  assert.equal(iso(s.mostRecent(t0, t0 + 17 * 60_000)), "2026-01-01T00:15:00.000Z");
  assert.equal(s.mostRecent(t0, t0 + 60_000), undefined);
  for (const bad of ["soon", "5", "-5m"]) assert.throws(() => parseCron(`@every ${bad}`), /failed to parse duration @every/, bad);
});

const cronJob = (spec: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: "batch/v1",
  kind: "CronJob",
  metadata: { name: "report", namespace: "default" },
  spec: {
    schedule: "*/5 * * * *",
    ...spec,
    jobTemplate: {
      metadata: { labels: { app: "report" } },
      spec: { template: { spec: { restartPolicy: "OnFailure", containers: [{ name: "report", image: "shop/report:1.0" }] } } },
    },
  },
});
const setup = (spec: Record<string, unknown> = {}): Env => {
  const e = env([new GarbageCollector(), new CronJobController(), new JobController()]);
  e.cluster.create(R.cronjobs, cronJob(spec));
  e.settle();
  return e;
};
const jobs = (e: Env): KubeObject[] => e.cluster.list(R.jobs, "default").sort((a, b) => a.metadata.name!.localeCompare(b.metadata.name!));
const cj = (e: Env): KubeObject => e.cluster.mustGet(R.cronjobs, "default", "report");
const minutes = (isoTime: string): number => Date.parse(isoTime) / 60_000;
/** Stands in for the kubelet: every running pod completes. */
const completePods = (e: Env): void => {
  for (const p of e.cluster.list<Pod>(R.pods)) if (p.status?.phase === "Pending") markFinished(e.cluster, p, "Succeeded");
  e.settle();
};

test("a CronJob creates <name>-<minutes since epoch> Jobs as the clock reaches each schedule time", () => {
  const e = setup();
  e.advance(299);
  assert.equal(jobs(e).length, 0);
  e.advance(1);
  const [job] = jobs(e);
  assert.equal(job!.metadata.name, `report-${minutes("2026-01-01T00:05:00Z")}`);
  assert.equal(job!.metadata.annotations!["batch.kubernetes.io/cronjob-scheduled-timestamp"], "2026-01-01T00:05:00Z");
  assert.deepEqual(job!.metadata.labels, { app: "report" });
  assert.equal(job!.metadata.ownerReferences![0]!.kind, "CronJob");
  assert.equal(e.cluster.list(R.pods).length, 1, "the Job controller starts its pod");
  let status = cj(e).status;
  assert.equal(status.lastScheduleTime, "2026-01-01T00:05:00Z");
  assert.deepEqual(
    status.active.map((a: any) => [a.kind, a.name]),
    [["Job", job!.metadata.name]],
  );
  assert.ok(eventsOf(e.cluster, cj(e)).some((x) => x.reason === "SuccessfulCreate" && x.message === `Created job ${job!.metadata.name}`));

  completePods(e);
  status = cj(e).status;
  assert.equal(status.active, undefined);
  assert.ok(status.lastSuccessfulTime);
  assert.ok(
    eventsOf(e.cluster, cj(e)).some(
      (x) => x.reason === "SawCompletedJob" && x.message === `Saw completed job: ${job!.metadata.name}, status: Complete`,
    ),
  );
});

test("history limits keep the newest finished Jobs", () => {
  const e = setup({ successfulJobsHistoryLimit: 2 });
  for (let i = 0; i < 4; i++) {
    e.advance(300);
    completePods(e);
  }
  assert.deepEqual(
    jobs(e).map((j) => j.metadata.name),
    [`report-${minutes("2026-01-01T00:15:00Z")}`, `report-${minutes("2026-01-01T00:20:00Z")}`],
  );
  assert.ok(
    eventsOf(e.cluster, cj(e)).some(
      (x) => x.reason === "SuccessfulDelete" && x.message === `Deleted job report-${minutes("2026-01-01T00:05:00Z")}`,
    ),
  );
});

test("Forbid skips a run while one is active; Replace replaces it", () => {
  const e = setup({ concurrencyPolicy: "Forbid" });
  e.advance(600);
  assert.equal(jobs(e).length, 1, "the 00:10 run is skipped");
  assert.ok(
    eventsOf(e.cluster, cj(e)).some(
      (x) =>
        x.reason === "JobAlreadyActive" &&
        x.message === "Not starting job because prior execution is running and concurrency policy is Forbid",
    ),
  );
  // Once the active run finishes, the missed run starts (no starting deadline).
  completePods(e);
  assert.equal(jobs(e).length, 2);
  assert.equal(jobs(e)[1]!.metadata.name, `report-${minutes("2026-01-01T00:10:00Z")}`);

  const r = setup({ concurrencyPolicy: "Replace" });
  r.advance(600);
  assert.deepEqual(
    jobs(r).map((j) => j.metadata.name),
    [`report-${minutes("2026-01-01T00:10:00Z")}`],
  );
  assert.ok(eventsOf(r.cluster, cj(r)).some((x) => x.reason === "SuccessfulDelete"));
});

test("suspend stops scheduling; startingDeadlineSeconds skips runs too late to start", () => {
  const e = setup({ suspend: true, startingDeadlineSeconds: 60 });
  e.advance(400);
  assert.equal(jobs(e).length, 0);
  e.cluster.mutate(R.cronjobs, "default", "report", (d) => void (d.spec.suspend = false));
  e.settle();
  assert.equal(jobs(e).length, 0, "00:05 was missed by more than 60 s");
  assert.ok(
    eventsOf(e.cluster, cj(e)).some(
      (x) => x.reason === "MissSchedule" && x.message === "Missed scheduled time to start a job: Thu, 01 Jan 2026 00:05:00 +0000",
    ),
  );
  e.advance(200);
  assert.equal(jobs(e).length, 1);
});

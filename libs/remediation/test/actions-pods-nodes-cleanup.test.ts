// cleanup_failed_pods, delete_completed_jobs and suspend_cronjob against the simulator: the Evicted pods of
// disk-pressure-evictions (deleted oldest first, only past minAgeMinutes on the cluster's clock), the Jobs of a
// namespace and of cronjob-concurrency-blocked's CronJob ops/report (Complete ones only, their pods going with them),
// and the suspension that stops the CronJob starting Jobs until reverted. Dry runs change nothing; nothing to do is
// a refusal.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { KubeObject, Pod } from "@vigil/kube-sim";
import { waitFor } from "@vigil/testing";

import { type ActionHarness, actionHarness, refusal } from "./action-harness.js";

const failedPods = (h: ActionHarness, ns: string) => h.sim.list<Pod>("Pod", ns).filter((p) => p.status?.phase === "Failed");
const finishedAt = (p: Pod) =>
  Math.max(...(p.status?.containerStatuses ?? []).map((c) => Date.parse(String(c.state?.terminated?.finishedAt))));
const complete = (j: KubeObject) =>
  (j.status?.conditions ?? []).some((c: { type: string; status: string }) => c.type === "Complete" && c.status === "True");
const failed = (j: KubeObject) =>
  (j.status?.conditions ?? []).some((c: { type: string; status: string }) => c.type === "Failed" && c.status === "True");
const jobsOf = (h: ActionHarness, ns: string, cronJob?: string) =>
  h.sim.list("Job", ns).filter((j) => !cronJob || j.metadata.ownerReferences?.some((r) => r.kind === "CronJob" && r.name === cronJob));

describe("cleanup_failed_pods", () => {
  let h: ActionHarness;
  before(async () => {
    h = await actionHarness({ scenario: "disk-pressure-evictions" });
  });
  after(() => h.stop());

  it("refuses while every failed pod is younger than minAgeMinutes (kept for investigation)", async () => {
    assert.ok(failedPods(h, "media").length >= 1, "the scenario's Evicted transcoder");
    await assert.rejects(
      h.plan("cleanup_failed_pods", { kind: "Namespace", name: "media" }, {}),
      refusal(
        /no failed pods older than 60 minutes in Namespace media \(\d+ failed more recently and are kept for investigation\): nothing to clean up/,
      ),
    );
    await assert.rejects(
      h.plan("cleanup_failed_pods", { kind: "Namespace", name: "shop" }, { minAgeMinutes: 0 }),
      refusal(/no failed pods older than 0 minutes/),
    );
  });

  it("dry run deletes nothing; live deletes the oldest Evicted pods first, at most maxPods, by uid", async () => {
    await waitFor(
      async () => {
        await h.sim.advance("1m");
        return failedPods(h, "media").length >= 2;
      },
      { message: "the transcoder is evicted again on the next node", timeoutMs: 30_000 },
    );
    const evicted = failedPods(h, "media").sort((x, y) => finishedAt(x) - finishedAt(y));
    assert.ok(evicted.every((p) => p.status?.reason === "Evicted"));
    const [oldest, ...rest] = evicted;

    const dry = await h.run(
      "cleanup_failed_pods",
      { kind: "Namespace", name: "media" },
      { minAgeMinutes: 0, maxPods: 1 },
      { dryRun: true },
    );
    assert.deepEqual(Object.keys(dry.plan.before), [`pods[${oldest!.metadata.name}]`]);
    assert.ok(dry.log.operations.filter((o) => o.verb === "delete").every((o) => o.dryRun));
    assert.equal(failedPods(h, "media").length, evicted.length, "dry run deleted nothing");

    const run = await h.run("cleanup_failed_pods", { kind: "Namespace", name: "media" }, { minAgeMinutes: 0, maxPods: 1 });
    assert.match(run.plan.summary, /delete 1 failed pod\(s\) in namespace media .*\(\d+ more left for a later run: maxPods 1\)/);
    assert.deepEqual(run.applied.after, { [`pods[${oldest!.metadata.name}]`]: null });
    const details = run.applied.details as { deleted: Array<{ name: string; uid: string; reason: string; failedAt: string }> };
    assert.deepEqual(
      details.deleted.map((d) => [d.name, d.uid, d.reason]),
      [[oldest!.metadata.name, oldest!.metadata.uid, "Evicted"]],
    );
    assert.equal(details.deleted[0]!.failedAt, new Date(finishedAt(oldest!)).toISOString());
    assert.equal(run.verification?.ok, true, run.verification?.detail);
    assert.equal(h.sim.get("Pod", oldest!.metadata.name!, "media"), undefined);
    for (const p of rest) assert.ok(h.sim.get("Pod", p.metadata.name!, "media"), `${p.metadata.name} is newer: kept`);
  });
});

const batch = (name: string, ns: string, annotations: string, backoffLimit = 0) => `
apiVersion: batch/v1
kind: Job
metadata: { name: ${name}, namespace: ${ns} }
spec:
  backoffLimit: ${backoffLimit}
  template:
    metadata: { labels: { job: ${name} }, annotations: { ${annotations} } }
    spec: { restartPolicy: Never, containers: [{ name: main, image: "shop/report:2.0.1" }] }
---`;

describe("delete_completed_jobs and suspend_cronjob", () => {
  let h: ActionHarness;
  before(async () => {
    h = await actionHarness({
      scenario: "cronjob-concurrency-blocked",
      manifests: [
        batch("quick-1", "batch", `sim.vigil.dev/complete-after-seconds: "5"`),
        batch("quick-2", "batch", `sim.vigil.dev/complete-after-seconds: "20"`),
        batch("broken", "batch", `sim.vigil.dev/requires-env: S3_BUCKET`),
        batch("long", "batch", `sim.vigil.dev/complete-after-seconds: "36000"`),
        batch("manual-report", "ops", `sim.vigil.dev/complete-after-seconds: "5"`),
      ].join("\n"),
    });
    await waitFor(async () => {
      await h.sim.advance("10s");
      const jobs = jobsOf(h, "batch");
      return jobs.filter(complete).length === 2 && jobs.some(failed) && jobsOf(h, "ops").filter(complete).length === 1;
    });
  });
  after(() => h.stop());

  it("Namespace target: refuses when nothing completed long enough ago; deletes Complete Jobs oldest first with their pods", async () => {
    await assert.rejects(
      h.plan("delete_completed_jobs", { kind: "Namespace", name: "batch" }, {}),
      refusal(
        /no Jobs of Namespace batch completed more than 60 minutes ago \(2 completed more recently\); 2 running or failed Job\(s\) are never deleted/,
      ),
    );
    const dry = await h.run("delete_completed_jobs", { kind: "Namespace", name: "batch" }, { minAgeMinutes: 0 }, { dryRun: true });
    assert.ok(dry.log.operations.filter((o) => o.verb === "delete").every((o) => o.dryRun));
    assert.equal(jobsOf(h, "batch").length, 4, "dry run deleted nothing");

    const run = await h.run("delete_completed_jobs", { kind: "Namespace", name: "batch" }, { minAgeMinutes: 0, maxJobs: 1 });
    assert.deepEqual(Object.keys(run.plan.before), ["jobs[quick-1]"], "the one that completed first");
    assert.deepEqual(
      (run.applied.details as { deleted: Array<{ name: string }> }).deleted.map((d) => d.name),
      ["quick-1"],
    );
    assert.equal(run.verification?.ok, true, run.verification?.detail);
    assert.deepEqual(
      jobsOf(h, "batch")
        .map((j) => j.metadata.name)
        .sort(),
      ["broken", "long", "quick-2"],
    );
    await waitFor(
      async () => {
        await h.sim.advance("1s");
        return h.sim.list<Pod>("Pod", "batch").every((p) => p.metadata.labels?.job !== "quick-1");
      },
      { message: "background propagation removes the Job's pods" },
    );
    assert.ok(
      h.sim.list<Pod>("Pod", "batch").some((p) => p.metadata.labels?.job === "broken"),
      "a failed Job's pods stay",
    );
  });

  it("CronJob target: only that CronJob's completed Jobs, once the hung run is gone", async () => {
    await assert.rejects(
      h.plan("delete_completed_jobs", { kind: "CronJob", name: "report", namespace: "ops" }, { minAgeMinutes: 0 }),
      refusal(/no Jobs of CronJob ops\/report completed more than 0 minutes ago; 1 running or failed Job\(s\)/),
    );
    const hung = jobsOf(h, "ops", "report")[0]!;
    h.sim.delete("Job", hung.metadata.name!, "ops");
    await waitFor(
      async () => {
        await h.sim.advance("30s");
        return jobsOf(h, "ops", "report").some(complete);
      },
      { message: "the next scheduled run completes", timeoutMs: 30_000 },
    );
    const done = jobsOf(h, "ops", "report")
      .filter(complete)
      .map((j) => j.metadata.name);
    const run = await h.run("delete_completed_jobs", { kind: "CronJob", name: "report", namespace: "ops" }, { minAgeMinutes: 0 });
    assert.deepEqual((run.applied.details as { deleted: Array<{ name: string }> }).deleted.map((d) => d.name).sort(), done.sort());
    assert.equal(run.verification?.ok, true, run.verification?.detail);
    assert.ok(h.sim.get("Job", "manual-report", "ops"), "a Job the CronJob does not own is not touched");
    assert.equal(jobsOf(h, "ops", "report").filter(complete).length, 0);
  });

  it("suspend_cronjob stops new Jobs until reverted; dry run and refusal", async () => {
    const rv = h.sim.get("CronJob", "report", "ops")!.metadata.resourceVersion;
    const dry = await h.run("suspend_cronjob", { kind: "CronJob", name: "report", namespace: "ops" }, {}, { dryRun: true });
    assert.deepEqual(dry.applied.after, { "spec.suspend": true });
    assert.equal(h.sim.get("CronJob", "report", "ops")!.metadata.resourceVersion, rv, "dry run stores nothing");

    const run = await h.run("suspend_cronjob", { kind: "CronJob", name: "report", namespace: "ops" }, {});
    assert.deepEqual([run.plan.before, run.applied.after], [{ "spec.suspend": false }, { "spec.suspend": true }]);
    assert.deepEqual(run.plan.consequences.writes?.[0]?.fields, [["f:spec", "f:suspend"]]);
    assert.equal(run.verification?.ok, true, run.verification?.detail);
    const names = () => new Set(jobsOf(h, "ops", "report").map((j) => j.metadata.name));
    const seen = names();
    await h.sim.advance("16m");
    assert.deepEqual(names(), seen, "no Job started over three schedules while suspended");
    await assert.rejects(
      h.plan("suspend_cronjob", { kind: "CronJob", name: "report", namespace: "ops" }, {}),
      refusal(/CronJob ops\/report is already suspended/),
    );

    assert.deepEqual(await h.revert(run.plan), { "spec.suspend": false });
    await waitFor(
      async () => {
        await h.sim.advance("1m");
        return [...names()].some((n) => !seen.has(n));
      },
      { message: "the resumed CronJob starts a Job at its next schedule" },
    );
  });
});

// The batch scenarios, driven with real kubectl: a Job past its backoff limit and a CronJob blocked by a hung run.
// Each shows its symptom; the fix an SRE applies clears it, and a plausible wrong fix leaves it in place.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { KubeObject, KubeSim } from "../src/index.js";
import type { Kubectl } from "./kubectl-helpers.js";
import { eventCount, eventsSince, withScenarioKubectl } from "./scenario-helpers.js";

const conditionReason = (job: KubeObject | undefined, type: string): string | undefined =>
  (job?.status?.conditions as Array<{ type: string; status: string; reason?: string }> | undefined)?.find(
    (c) => c.type === type && c.status === "True",
  )?.reason;

/**
 * What an SRE does to re-run a Job: `kubectl get job -o json`, strip what the API server generated (uid, status, the
 * generated selector and its controller-uid labels), optionally change the template, delete the old Job and create it again.
 */
const recreateJob = async (sim: KubeSim, kubectl: Kubectl, ns: string, name: string, edit: (job: any) => void = () => {}) => {
  const job = JSON.parse(await kubectl("get", "job", name, "-n", ns, "-o", "json"));
  delete job.status;
  job.metadata = { name: job.metadata.name, namespace: job.metadata.namespace, labels: job.metadata.labels };
  delete job.spec.selector;
  for (const labels of [job.metadata.labels, job.spec.template.metadata.labels]) {
    for (const k of Object.keys(labels ?? {})) if (/controller-uid$/.test(k)) delete labels[k];
  }
  edit(job);
  await kubectl("delete", "job", name, "-n", ns, "--wait=false");
  await sim.advance("30s");
  assert.equal(sim.get("Job", name, ns), undefined, "the old Job is gone");
  await kubectl.apply(job);
};

test("job-backoff-limit-exceeded: BackoffLimitExceeded until the Job is re-created with S3_BUCKET set", async (t) => {
  await withScenarioKubectl(t, "job-backoff-limit-exceeded", async (sim, kubectl) => {
    const job = sim.get("Job", "db-backup", "ops");
    assert.equal(conditionReason(job, "Failed"), "BackoffLimitExceeded");
    assert.equal(job?.status?.failed, 4);
    assert.ok(eventsSince(sim, "BackoffLimitExceeded", 0, /^Job has reached the specified backoff limit$/).length === 1);
    const pods = await kubectl("get", "pods", "-n", "ops", "-l", "app=db-backup", "--no-headers");
    assert.equal((pods.match(/\s0\/1\s+Error\s/g) ?? []).length, 4, pods);
    const first = pods.split(/\s+/)[0]!;
    assert.match(await kubectl("logs", first, "-n", "ops"), /FATAL: missing required environment variable S3_BUCKET/);

    await recreateJob(sim, kubectl, "ops", "db-backup", (j) => {
      j.spec.template.spec.containers[0].env.push({ name: "S3_BUCKET", value: "shop-db-backups" });
    });
    await sim.advance("2m");
    const fixed = sim.get("Job", "db-backup", "ops");
    assert.equal(conditionReason(fixed, "Complete"), "CompletionsReached");
    assert.equal(fixed?.status?.succeeded, 1);
    assert.equal(fixed?.status?.failed, undefined);
    assert.match(await kubectl("get", "job", "db-backup", "-n", "ops", "--no-headers"), /^db-backup\s+Complete\s+1\/1\s/);
  });
});

test("job-backoff-limit-exceeded: re-running the Job unchanged fails the same way", async (t) => {
  await withScenarioKubectl(t, "job-backoff-limit-exceeded", async (sim, kubectl) => {
    const before = sim.get("Job", "db-backup", "ops")!.metadata.uid;
    await recreateJob(sim, kubectl, "ops", "db-backup");
    await sim.advance("4m");
    const rerun = sim.get("Job", "db-backup", "ops");
    assert.notEqual(rerun?.metadata.uid, before, "a new Job ran");
    assert.equal(conditionReason(rerun, "Failed"), "BackoffLimitExceeded");
    assert.equal(rerun?.status?.succeeded, undefined);
    assert.match(await kubectl("get", "job", "db-backup", "-n", "ops", "--no-headers"), /^db-backup\s+Failed\s+0\/1\s/);
  });
});

const activeJobs = (sim: KubeSim): string[] =>
  ((sim.get("CronJob", "report", "ops")?.status?.active ?? []) as Array<{ name: string }>).map((a) => a.name);

/** The symptom: one hung run, started at the first schedule, blocks every later one; nothing ever succeeded. */
const assertBlocked = (sim: KubeSim, hung: string, sinceMs = 0): void => {
  assert.deepEqual(activeJobs(sim), [hung]);
  assert.equal(sim.get("CronJob", "report", "ops")?.status?.lastSuccessfulTime, undefined);
  assert.ok(
    eventCount(
      sim,
      "JobAlreadyActive",
      sinceMs,
      /^Not starting job because prior execution is running and concurrency policy is Forbid$/,
    ) >= 1,
  );
  assert.equal(sim.list("Job", "ops").filter((j) => conditionReason(j, "Complete")).length, 0, "no run completed");
};

test("cronjob-concurrency-blocked: a hung run blocks every schedule until it is deleted", async (t) => {
  await withScenarioKubectl(t, "cronjob-concurrency-blocked", async (sim, kubectl) => {
    const [hung] = activeJobs(sim);
    assert.ok(hung);
    assertBlocked(sim, hung);
    const started = Date.parse(String(sim.get("Job", hung, "ops")?.status?.startTime));
    assert.ok(sim.clock.now() - started > 14 * 60_000, "the hung run has been active for most of the warm-up");
    assert.match(await kubectl("get", "cronjob", "report", "-n", "ops", "--no-headers"), /^report\s+\*\/5 \* \* \* \*\s+\S+\s+False\s+1\s/);

    await kubectl("delete", "job", hung, "-n", "ops", "--wait=false");
    await sim.advance("12m");
    const cj = sim.get("CronJob", "report", "ops");
    assert.ok(cj?.status?.lastSuccessfulTime, "a run completed");
    assert.ok(!activeJobs(sim).includes(hung));
    assert.ok(sim.list("Job", "ops").filter((j) => conditionReason(j, "Complete") === "CompletionsReached").length >= 1);
  });
});

test("cronjob-concurrency-blocked: suspending and resuming leaves the hung run blocking it", async (t) => {
  await withScenarioKubectl(t, "cronjob-concurrency-blocked", async (sim, kubectl) => {
    const [hung] = activeJobs(sim);
    assert.ok(hung);
    await kubectl("patch", "cronjob", "report", "-n", "ops", "-p", '{"spec":{"suspend":true}}');
    await sim.advance("1m");
    await kubectl("patch", "cronjob", "report", "-n", "ops", "-p", '{"spec":{"suspend":false}}');
    const resumed = sim.clock.now();
    await sim.advance("12m");
    assertBlocked(sim, hung, resumed);
  });
});

// run_repair_job against the simulator: a Job is created from a configured template (never from the proposal),
// with the allowed env in every container and the execution's labels; a redelivery finds the same Job instead
// of running the repair twice; a dry run creates nothing; unknown templates and env keys are refused.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { V1Job, V1Pod } from "@kubernetes/client-node";
import { waitFor } from "@vigil/testing";
import { ActionRefusal, parseRepairJobTemplates } from "../src/index.js";
import { type ActionHarness, actionHarness, testExecution } from "./action-harness.js";

const templates = parseRepairJobTemplates([
  {
    name: "pg-repair",
    namespace: "ops",
    allowedEnv: ["TABLE"],
    job: {
      metadata: { labels: { team: "dba" } },
      spec: {
        backoffLimit: 0,
        template: {
          metadata: { annotations: { "sim.vigil.dev/complete-after-seconds": "5" } },
          spec: {
            restartPolicy: "Never",
            containers: [
              { name: "repair", image: "registry.example.com/pg-tools:16", env: [{ name: "TABLE", value: "default-table" }] },
              { name: "reporter", image: "registry.example.com/pg-tools:16" },
            ],
          },
        },
      },
    },
  },
  {
    name: "cache-flush",
    job: {
      spec: {
        template: { spec: { restartPolicy: "OnFailure", containers: [{ name: "flush", image: "registry.example.com/redis-tools:7" }] } },
      },
    },
  },
]);

const manifests = `
apiVersion: v1
kind: Node
metadata: { name: worker-1 }
status: { capacity: { cpu: "4", memory: 16Gi, pods: "110" } }
---
apiVersion: v1
kind: Namespace
metadata: { name: ops }
---
apiVersion: v1
kind: Namespace
metadata: { name: db }
`;

const target = { kind: "StatefulSet", name: "postgres", namespace: "db" };
const envOf = (c: { env?: Array<{ name: string; value?: string }> }) => Object.fromEntries((c.env ?? []).map((e) => [e.name, e.value]));

describe("run_repair_job", () => {
  let h: ActionHarness;
  before(async () => {
    h = await actionHarness({ manifests, env: { repairJobs: templates } });
  });
  after(() => h.stop());

  it("dry run: the API server validates the Job, nothing is created", async () => {
    const run = await h.run("run_repair_job", target, { template: "cache-flush" }, { dryRun: true });
    const name = (run.applied.after["job"] as string).split("/")[1]!;
    assert.match(name, /^cache-flush-[0-9a-f]{8}$/);
    assert.equal(h.sim.get("Job", name, "db"), undefined);
    assert.ok(run.log.operations.some((o) => o.verb === "create" && o.resource === "jobs" && o.dryRun && o.status === 200));
  });

  it("creates the Job from the template, with the allowed env in every container and the execution's labels", async () => {
    const run = await h.run("run_repair_job", target, { template: "pg-repair", env: { TABLE: "orders" } });
    assert.equal(run.verification?.ok, true, run.verification?.detail);
    assert.deepEqual(run.plan.before, { job: null });
    const [namespace, name] = (run.applied.after["job"] as string).split("/") as [string, string];
    assert.equal(namespace, "ops", "the template's namespace");
    const job = h.sim.get("Job", name, "ops") as unknown as V1Job;
    const labels = job.metadata?.labels ?? {};
    assert.equal(labels["vigil.dev/execution-id"], testExecution.executionId);
    assert.equal(labels["vigil.dev/repair-template"], "pg-repair");
    assert.equal(labels["team"], "dba");
    for (const c of job.spec!.template.spec!.containers) {
      const env = envOf(c);
      assert.equal(env["TABLE"], "orders", `container ${c.name}`);
      assert.equal(env["VIGIL_TARGET_NAME"], "postgres");
      assert.equal(env["VIGIL_EXECUTION_ID"], testExecution.executionId);
    }
    const pods = (h.sim.list("Pod", "ops") as unknown as V1Pod[]).filter((p) => p.metadata?.labels?.["job-name"] === name);
    assert.equal(pods.length, 1);
    assert.equal(pods[0]!.metadata?.labels?.["vigil.dev/repair-template"], "pg-repair");
    await waitFor(async () => {
      await h.sim.advance("5s");
      return ((h.sim.get("Job", name, "ops") as V1Job | undefined)?.status?.succeeded ?? 0) === 1;
    });
  });

  it("a redelivered execution finds its own Job instead of running the repair twice", async () => {
    const again = await h.run("run_repair_job", target, { template: "pg-repair", env: { TABLE: "orders" } });
    assert.equal((again.applied.details?.["job"] as { alreadyExisted: boolean }).alreadyExisted, true);
    assert.ok(again.log.operations.some((o) => o.verb === "create" && o.status === 409));
    assert.equal(
      (h.sim.list("Job", "ops") as unknown as V1Job[]).filter((j) => j.metadata?.labels?.["vigil.dev/repair-template"] === "pg-repair")
        .length,
      1,
    );
  });

  it("creates the Job in the target's namespace when the template names none", async () => {
    const run = await h.run("run_repair_job", { kind: "Deployment", name: "cache", namespace: "db" }, { template: "cache-flush" });
    assert.match(run.applied.after["job"] as string, /^db\/cache-flush-/);
    assert.equal(run.verification?.ok, true, run.verification?.detail);
  });

  it("refuses an unknown template, listing the configured ones", async () => {
    await assert.rejects(h.plan("run_repair_job", target, { template: "pg-failover" }), (err: unknown) => {
      assert.ok(err instanceof ActionRefusal);
      assert.equal(err.message, 'no repair Job template named "pg-failover": configured templates are pg-repair, cache-flush');
      return true;
    });
    await assert.rejects(
      h.plan("run_repair_job", target, { template: "pg-repair" }, { env: { repairJobs: new Map() } }),
      /none is configured \(EXECUTOR_REPAIR_JOBS_FILE\)/,
    );
  });

  it("refuses env keys the template does not allow", async () => {
    await assert.rejects(
      h.plan("run_repair_job", target, { template: "pg-repair", env: { TABLE: "x", IMAGE: "evil" } }),
      /repair Job template "pg-repair" does not allow setting IMAGE: it allows TABLE/,
    );
    await assert.rejects(h.plan("run_repair_job", target, { template: "cache-flush", env: { A: "1" } }), /it allows no variables/);
  });
});

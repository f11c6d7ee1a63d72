// Misconfiguration is reported at start, every problem at once, naming the variable, the file's entry and the field.
import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { loadConfig } from "@vigil/service";
import { makeTempDir, type TempDir } from "@vigil/testing";
import { executorConfigProblems, executorConfigShape } from "../src/config.js";

let dir: TempDir;
before(async () => {
  dir = await makeTempDir("executor-config");
});
after(() => dir.remove());

const configOf = (env: Record<string, string>) =>
  loadConfig(executorConfigShape, { NATS_URL: "nats://127.0.0.1:4222", ...env }, { port: 8083 });

test("defaults: dry-run mode, the built-in policy, no sinks, no repair jobs", () => {
  const config = configOf({});
  assert.equal(config.EXECUTOR_MODE, "dry-run");
  assert.deepEqual(executorConfigProblems(config), []);
});

test("a bad policy, bad sinks and bad repair jobs are all reported together, each naming its file and field", async () => {
  const policy = join(dir.path, "policy.yaml");
  await writeFile(policy, "rules:\n  - { id: x, effect: allow, actions: [restart_pods] }\nbounds: { maxMemoryLimit: lots }\n");
  const jobs = join(dir.path, "jobs.yaml");
  await writeFile(jobs, "- name: pg-failover\n  job: {}\n");
  const problems = executorConfigProblems(
    configOf({
      EXECUTOR_POLICY_FILE: policy,
      EXECUTOR_NOTIFY_SINKS: '[{"name":"oncall","type":"pager","url":"x"}]',
      EXECUTOR_REPAIR_JOBS_FILE: jobs,
    }),
  );
  const text = problems.join("\n");
  assert.match(text, /EXECUTOR_POLICY_FILE: rules\[0\]\.actions\[0\]: unknown action "restart_pods"/);
  assert.match(text, /EXECUTOR_POLICY_FILE: bounds\.maxMemoryLimit/);
  assert.match(text, /EXECUTOR_NOTIFY_SINKS: sink "oncall": type/);
  assert.match(text, /EXECUTOR_REPAIR_JOBS_FILE: .*pg-failover/);
});

test("the mode and the API token are validated by the kit", () => {
  assert.throws(() => configOf({ EXECUTOR_MODE: "yolo" }), /EXECUTOR_MODE/);
  assert.throws(() => configOf({ EXECUTOR_API_TOKEN: "short" }), /EXECUTOR_API_TOKEN: must be at least 16 characters/);
});

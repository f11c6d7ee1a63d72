// `npm run demo` for real, as the process a user runs (minus the build, which npm test did): the stack (NATS, embedded
// PostgreSQL, the simulator on its virtual clock, the five pipeline services), two scenarios one after the other in
// the one simulator, the summary as JSON on stdout and the live view on stderr. oom-crashloop goes through
// increase_resources to a scored assessment; bad-rollout-readiness, with approval required for rollback_deployment,
// through the demo's approval to an effective rollback. Then nothing the demo started may be left running.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { test } from "node:test";
import { spawn } from "node:child_process";
import type { SummaryRow } from "../src/index.js";

const root = new URL("../../..", import.meta.url).pathname;
const built = ["webhook", "analyzer", "investigator", "executor", "effectiveness"].every((s) =>
  existsSync(`${root}services/${s}/dist/main.js`),
);

/** Runs the demo as `npm run demo` does; stdout and stderr apart, whatever the exit code. */
function runDemoProcess(
  args: string[],
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--conditions=@vigil/source", "--import", "tsx", "scripts/demo.ts", ...args], {
      cwd: root,
      env,
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    // A deadline, not a wait: a demo still running after it is stopped and its output shown.
    const timer = setTimeout(() => child.kill("SIGINT"), timeoutMs);
    child.once("error", reject);
    child.once("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Processes whose environment carries `marker`: everything the demo started inherits it. */
function processesMarked(marker: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync("/proc").filter((e) => /^\d+$/.test(e))) {
    try {
      if (readFileSync(`/proc/${pid}/environ`, "latin1").includes(marker))
        found.push(`${pid} ${readFileSync(`/proc/${pid}/cmdline`, "latin1").replace(/\0/g, " ")}`);
    } catch {
      // Gone, or not ours to read.
    }
  }
  return found;
}

test(
  "npm run demo plays oom-crashloop and bad-rollout-readiness through every stage, sums them up and stops everything",
  { timeout: 150_000 },
  async (t) => {
    if (!built) return t.skip("the services are not built: run `npm run build` (npm test builds first)");
    const marker = `VIGIL_DEMO_TEST_RUN=${randomUUID()}`;
    const [name, value] = marker.split("=") as [string, string];
    const run = await runDemoProcess(
      ["--no-build", "--json", "--scenarios", "oom-crashloop,bad-rollout-readiness", "--require-approval", "rollback_deployment"],
      { ...process.env, [name]: value, LOG_LEVEL: "info" },
      130_000,
    );
    const live = run.stderr;
    let summary: { ok: boolean; rows: SummaryRow[] };
    try {
      summary = JSON.parse(run.stdout) as typeof summary;
    } catch {
      assert.fail(`no JSON summary on stdout (exit ${run.code}):\n${run.stdout}\n${live}`);
    }
    const [oom, rollout] = summary.rows;
    assert.ok(oom && rollout, live);

    // oom-crashloop: diagnosed from the cluster, fixed live, the change read back from the simulator, scored.
    assert.equal(oom.diagnosis, "POD_OOM_KILLED", live);
    assert.match(oom.action, /^increase_resources( →|$)/, live);
    assert.equal(oom.approval, "not required");
    assert.match(oom.effect, /^limits\.memory 256Mi → \d+Mi; \d\/2 pods ready$/, live);
    const first = oom.incidents[0]!;
    assert.equal(first.execution?.status, "succeeded", live);
    const verdict = first.assessment;
    assert.ok(verdict && verdict.score !== null, `an assessment with a score:\n${live}`);
    assert.match(oom.score, /^(effective|partially effective|ineffective|worsened) \d\.\d\d/);
    // The verdict agrees with the cluster: effective exactly when every payments-api pod is ready again; the expected
    // end (effective) is reached exactly then.
    assert.equal(verdict.outcome === "effective", oom.effect.endsWith("2/2 pods ready"), `${verdict.outcome}: ${oom.effect}`);
    assert.equal(oom.ok, verdict.outcome === "effective", oom.problems.join("; "));

    // bad-rollout-readiness, in the same simulator once oom-crashloop was removed: approved by the demo, rolled back.
    assert.equal(rollout.diagnosis, "DEPLOYMENT_PROGRESS_DEADLINE_EXCEEDED", live);
    assert.equal(rollout.action, "rollback_deployment", live);
    assert.equal(rollout.approval, "approved by demo");
    assert.equal(rollout.incidents[0]?.execution?.approval, "approved");
    assert.match(rollout.effect, /^image shop\/storefront:2\.4\.0 → 2\.3\.0; 4\/4 pods ready$/, live);
    assert.match(rollout.score, /^effective (0\.[89]\d|1\.00)$/, live);
    assert.equal(rollout.ok, true, rollout.problems.join("; "));

    // Exit code 0 exactly when every scenario reached its expected end.
    assert.equal(run.code, summary.ok ? 0 : 1, live);
    assert.equal(summary.ok, oom.ok && rollout.ok);

    // The live view showed every stage of each incident, with its time since the alert.
    for (const scenario of ["oom-crashloop", "bad-rollout-readiness"]) {
      for (const who of ["webhook", "analyzer", "investigator", "executor", "effectiveness"]) {
        assert.match(live, new RegExp(`^${scenario} +[✓!✗…·] ${who} +.+ \\+\\d+\\.\\d\\d s$`, "m"), `${scenario} ${who}:\n${live}`);
      }
    }
    assert.match(
      live,
      /^bad-rollout-readiness +✓ demo +approves rollback_deployment on storefront as vigil-demo \(policy requires approval\)/m,
    );
    // The executor's notification sink is the demo's on-call pager: the approval request reached it.
    assert.match(
      live,
      /^bad-rollout-readiness +! on-call +paged \(approval requested\): Approval needed: rollback_deployment on Deployment\/shop\/storefront/m,
    );
    assert.match(live, /^bad-rollout-readiness +· prometheus +KubeDeploymentRolloutStuck no longer holds/m);

    // Everything the demo started (services, NATS, PostgreSQL) is stopped.
    assert.deepEqual(processesMarked(marker), []);
  },
);

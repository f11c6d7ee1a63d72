// The quiet build reads Nx's static output: how many projects, how many came from the cache, which tasks failed,
// and, when it fails, shows only those tasks' output.
import assert from "node:assert/strict";
import { test } from "node:test";
import { failedTaskOutput, readBuildLine, type BuildReport } from "@vigil/stack";

const failedRun = `
 NX   Running target build for 3 projects:

- @vigil/errors
- @vigil/cli

> nx run @vigil/errors:build  [existing outputs match the cache, left as is]

> nx run @vigil/cli:build

src/cli.ts(8,33): error TS2307: Cannot find module './commands/index.js'
npm error command failed

> nx run @vigil/webhook:build

> tsc -p tsconfig.build.json

 NX   Running target build for 3 projects failed

Failed tasks:

- @vigil/cli:build

  Run duration:      3m 8s
  Cache:             1/3 hit (33%)
`.split("\n");

function read(lines: readonly string[]): BuildReport {
  const report: BuildReport = { started: 0, failed: [] };
  let inList = false;
  for (const line of lines) inList = readBuildLine(report, line, inList);
  return report;
}

test("a failed run: projects, tasks started, cache hits and the failed task", () => {
  assert.deepEqual(read(failedRun), { projects: 3, started: 3, cached: 1, failed: ["@vigil/cli:build"] });
});

test("an older Nx's cache sentence counts too", () => {
  const report = read([
    " NX   Successfully ran target build for 32 projects (4s)",
    "Nx read the output from the cache instead of running the command for 28 out of 32 tasks.",
  ]);
  assert.equal(report.cached, 28);
  assert.equal(report.projects, 32);
});

test("only the failed task's output is shown", () => {
  const shown = failedTaskOutput(failedRun, ["@vigil/cli:build"]);
  assert.match(shown, /^> nx run @vigil\/cli:build\n\nsrc\/cli\.ts\(8,33\): error TS2307/);
  assert.doesNotMatch(shown, /webhook|errors:build|Failed tasks/);
  assert.equal(failedTaskOutput(["a", "b"], []), "a\nb", "no failed task named: everything");
});

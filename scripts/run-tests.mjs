#!/usr/bin/env node
// Runs every test file of the monorepo in one `node --test` run so the summary covers the whole suite.
// Sources are loaded directly (tsx + the "@vigil/source" export condition), so tests see the code as written.
import { spawnSync } from "node:child_process";
import { readdirSync, existsSync, statSync } from "node:fs";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const filter = process.argv.slice(2);
const files = [];
for (const group of ["libs", "services", "deploy"]) {
  const dir = join(root, group);
  if (!existsSync(dir)) continue;
  const projects = group === "deploy" ? ["."] : readdirSync(dir);
  for (const project of projects) {
    const testDir = join(dir, project, "test");
    if (!existsSync(testDir) || !statSync(testDir).isDirectory()) continue;
    for (const f of readdirSync(testDir).sort()) {
      if (f.endsWith(".test.ts")) files.push(join(testDir, f));
    }
  }
}
const selected = filter.length ? files.filter((f) => filter.some((p) => f.includes(p))) : files;
if (selected.length === 0) {
  console.error(`no test files match ${filter.join(" ")}`);
  process.exit(1);
}
const args = [
  "--conditions=@vigil/source",
  "--import", "tsx",
  "--test",
  `--test-concurrency=${process.env.TEST_CONCURRENCY ?? "2"}`,
  "--test-reporter=spec",
  ...selected,
];
const res = spawnSync(process.execPath, args, { stdio: "inherit", cwd: root, env: { ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? "silent" } });
process.exit(res.status ?? 1);

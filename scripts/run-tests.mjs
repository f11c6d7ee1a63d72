#!/usr/bin/env node
// Runs every test file of the monorepo in one `node --test` run so the summary covers the whole suite.
// Sources are loaded directly (tsx + the "@vigil/source" export condition), so tests see the code as written.
//
//   node scripts/run-tests.mjs [--unit | --integration] [--explain] [--isolated] [path-fragment ...]
//
// Tiers: `--unit` runs only the files that need no servers and start no other programs (no nats-server,
// PostgreSQL, Alertmanager, kubectl, amtool, bpftrace, service processes): the inner loop, `npm run test:unit`.
// `--integration` runs the rest. With neither, everything runs (`npm test`, CI). A file's tier is read from its
// imports, never declared (the rule: scripts/test-tiers.mjs); `--explain` lists each file's tier and reason.
//
// Unit files run together in a few processes (one shard per core), integration files one process each. Node's
// runner starts a process per file, and loading a file's module graph through tsx costs 1–2 s: 159 unit files
// took 263 s that way and 89 s in two shards. Unit files share nothing that a shared process breaks (no servers,
// no environment of their own); `--isolated` runs every file in its own process again, to rule that out.
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, existsSync, mkdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { classify } from "./test-tiers.mjs";

const root = new URL("..", import.meta.url).pathname;
const flags = new Set(process.argv.slice(2).filter((a) => a.startsWith("--")));
const filter = process.argv.slice(2).filter((a) => !a.startsWith("--"));
for (const f of flags) {
  if (["--unit", "--integration", "--explain", "--isolated"].includes(f)) continue;
  console.error(`unknown option ${f}; usage: run-tests.mjs [--unit | --integration] [--explain] [--isolated] [path-fragment ...]`);
  process.exit(2);
}
const tier = flags.has("--unit") ? "unit" : flags.has("--integration") ? "integration" : undefined;
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
const matching = filter.length ? files.filter((f) => filter.some((p) => f.includes(p))) : files;
const tiers = classify(root, files);
if (flags.has("--explain")) {
  for (const t of tiers)
    if (matching.includes(t.file)) console.log(`${t.tier.padEnd(11)} ${t.file.slice(root.length)}${t.reason ? `  ← ${t.reason}` : ""}`);
  process.exit(0);
}
const selected = tiers.filter((t) => (!tier || t.tier === tier) && matching.includes(t.file));
if (selected.length === 0) {
  console.error(`no ${tier ?? ""} test files match ${filter.join(" ")}`);
  process.exit(1);
}
const cores = Math.max(2, availableParallelism());
// A unit file can ask for a process of its own with a `// vigil-test: own-process (why)` line, e.g. one whose
// deadline must fire during a cold computation that a process warmed by other files would finish first.
const ownProcess = (file) => /^\/\/ vigil-test: own-process\b/m.test(readFileSync(file, "utf8"));
const units = flags.has("--isolated") ? [] : selected.filter((t) => t.tier === "unit" && !ownProcess(t.file)).map((t) => t.file);
const alone = selected.map((t) => t.file).filter((f) => !units.includes(f));
// One entry file per shard importing its unit files (by absolute path, through the same tsx loader).
// Per run (by pid), so two runs side by side never overwrite each other's shards; removed when the run ends.
const shardDir = join(root, "node_modules", ".cache", "vigil-test-shards", String(process.pid));
rmSync(shardDir, { recursive: true, force: true });
const shardCount = Math.min(cores, units.length);
const shards = Array.from({ length: shardCount }, (_, i) => {
  const file = join(shardDir, `unit-${i + 1}-of-${shardCount}.test.mjs`);
  mkdirSync(shardDir, { recursive: true });
  writeFileSync(
    file,
    units
      .filter((_, j) => j % shardCount === i)
      .map((f) => `import ${JSON.stringify(f)};\n`)
      .join(""),
  );
  return file;
});
console.log(
  `tier: ${tier ?? "all"}; ${selected.length} of ${files.length} test files` +
    (shards.length ? ` (${units.length} unit files in ${shards.length} shared processes)` : ""),
);
const args = [
  "--conditions=@vigil/source",
  "--import",
  "tsx",
  "--test",
  // Unit files share no servers, so they can use every core; integration files start servers of their own.
  `--test-concurrency=${process.env.TEST_CONCURRENCY ?? (tier === "unit" ? cores : 2)}`,
  "--test-reporter=spec",
  ...shards,
  ...alone,
];
const res = spawnSync(process.execPath, args, {
  stdio: "inherit",
  cwd: root,
  env: { ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? "silent" },
});
rmSync(shardDir, { recursive: true, force: true });
process.exit(res.status ?? 1);

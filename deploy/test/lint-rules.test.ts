// Planted violations fail lint: small files written into a real package (libs/procfs) and linted with the
// repository's own eslint.config.mjs, so this proves the rules as configured, not the rules in isolation.
// The files carry a unique `__planted_` prefix (ignored by git and excluded from procfs's build) and are
// removed in `finally`, whatever happens.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ESLint } from "eslint";

const root = fileURLToPath(new URL("../..", import.meta.url));
const srcDir = join(root, "libs/procfs/src");

/** Writes `files` (name → source) into libs/procfs/src, lints them, and returns the rule ids reported per file. */
async function lintPlanted(files: Record<string, string>): Promise<Record<string, string[]>> {
  const prefix = `__planted_${randomUUID().slice(0, 8)}_`;
  const paths = Object.keys(files).map((name) => join(srcDir, prefix + name));
  try {
    for (const [name, source] of Object.entries(files)) {
      writeFileSync(join(srcDir, prefix + name), source.replaceAll("__PREFIX__", prefix));
    }
    const results = await new ESLint({ cwd: root, cache: false }).lintFiles(paths);
    return Object.fromEntries(
      results.map((r) => [
        r.filePath.slice(r.filePath.indexOf(prefix) + prefix.length),
        r.messages.map((m) => m.ruleId ?? `fatal: ${m.message}`),
      ]),
    );
  } finally {
    for (const path of paths) rmSync(path, { force: true });
  }
}

test("lint rejects a lib importing a service, production code importing @vigil/testing, and a cycle", { timeout: 120_000 }, async () => {
  // @nx/enforce-module-boundaries reads the cached project graph and silently skips itself without one;
  // computing it here (about a second) makes the tags in package.json current.
  execFileSync(join(root, "node_modules/.bin/nx"), ["show", "projects"], { cwd: root, stdio: "ignore" });

  const reported = await lintPlanted({
    "lib-imports-service.ts": `import * as webhook from "@vigil/webhook";\nexport const planted = webhook;\n`,
    "imports-testing.ts": `import { waitFor } from "@vigil/testing";\nexport const planted = waitFor;\n`,
    "cycle-a.ts": `import { b } from "./__PREFIX__cycle-b.js";\nexport const a = (): number => b() + 1;\n`,
    "cycle-b.ts": `import { a } from "./__PREFIX__cycle-a.js";\nexport const b = (): number => (a.length > 0 ? 1 : 0);\n`,
    // The control: a declared dependency on a lib is allowed, so the rules do not simply fire on everything.
    "allowed.ts": `import { subjects } from "@vigil/contracts";\nexport const planted = subjects;\n`,
  });

  const reportedFor = (file: string) => reported[file] ?? [];
  const seen = JSON.stringify(reported);
  assert.ok(reportedFor("lib-imports-service.ts").includes("@nx/enforce-module-boundaries"), `lib → service: ${seen}`);
  assert.ok(reportedFor("imports-testing.ts").includes("@nx/enforce-module-boundaries"), `src → @vigil/testing: ${seen}`);
  assert.ok(reportedFor("cycle-a.ts").includes("import-x/no-cycle"), `cycle: ${seen}`);
  assert.ok(reportedFor("cycle-b.ts").includes("import-x/no-cycle"), `cycle: ${seen}`);
  assert.deepEqual(reported["allowed.ts"], [], "an allowed import reports nothing");
});

// vigil-audit-verify as an auditor runs it: a child process on an exported file (or stdin), exit code and
// one line of verdict.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { makeTempDir } from "@vigil/testing";
import { exportAudit } from "../src/index.js";
import { historyDatabase, newExecution } from "./helpers.js";

const cli = fileURLToPath(new URL("../src/verify-cli.ts", import.meta.url));
const root = fileURLToPath(new URL("../../..", import.meta.url));

function runCli(args: string[], stdin?: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--conditions=@vigil/source", "--import", "tsx", cli, ...args], { cwd: root });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin ?? "");
  });
}

test("the CLI verifies an exported file, reports tampering with its seq, and rejects bad usage", async (t) => {
  const { db, history } = await historyDatabase(t);
  for (let i = 0; i < 2; i++) {
    const { record } = await history.claim(newExecution());
    await history.update(record.executionId, { status: "executing", reason: "allowed" });
    await history.update(record.executionId, { status: "succeeded", reason: "done" });
  }
  const exported = await exportAudit(db);
  const dir = await makeTempDir("audit-cli");
  t.after(() => dir.remove());
  const good = join(dir.path, "export.json");
  await writeFile(good, JSON.stringify(exported, null, 2));

  const tamperedExport = structuredClone(exported);
  const fifth = tamperedExport.entries[4];
  const change = fifth && "change" in fifth.payload ? fifth.payload.change : undefined;
  assert.ok(change, "the fifth entry records a change");
  change.reason = "nothing to see";
  const tampered = join(dir.path, "tampered.json");
  await writeFile(tampered, JSON.stringify(tamperedExport));

  // Five runs in parallel: each is a Node start with tsx, the slow part.
  const [ok, bad, fromStdin, notJson, badUsage] = await Promise.all([
    runCli([good]),
    runCli([tampered]),
    runCli(["--anchor", `3:${exported.entries[2]?.hash}`, "-"], JSON.stringify(exported)),
    runCli([], "{ not json"),
    runCli(["--anchor", "three", join(dir.path, "nope.json")]),
  ]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(ok.stdout.trim(), `OK: 6 entries, head ${exported.head.hash}`);
  assert.equal(bad.code, 1, bad.stderr);
  assert.equal(bad.stdout.trim(), "TAMPERED at seq 5: hash does not match the entry's content: the entry was altered");
  assert.equal(fromStdin.code, 0, fromStdin.stderr);
  assert.match(fromStdin.stdout, /^OK: 6 entries/);
  assert.equal(notJson.code, 1);
  assert.match(notJson.stdout, /^INVALID: not JSON/);
  assert.equal(badUsage.code, 2);
  assert.match(badUsage.stderr, /--anchor must be <seq>:<64 hex digits>/);
});

// The export an auditor takes away, verified offline (no database): intact it passes, and any byte flipped
// in it fails; a head recorded earlier (an anchor) also catches truncation and a wholesale rewrite.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { test } from "node:test";
import {
  auditExportJson,
  entryHash,
  exportAudit,
  GENESIS_HASH,
  verifyAuditExport,
  type ActionHistory,
  type AuditEntry,
  type AuditExport,
} from "../src/index.js";
import { historyDatabase, newExecution } from "./helpers.js";

async function someHistory(history: ActionHistory, executions = 3): Promise<void> {
  for (let i = 0; i < executions; i++) {
    const { record } = await history.claim(newExecution({ parameters: { replicas: i + 2, note: "café ☕" } }));
    await history.update(record.executionId, { status: "executing", reason: "allowed", details: { summary: `scale to ${i + 2}` } });
    await history.update(record.executionId, {
      status: "succeeded",
      reason: "scaled",
      operations: [
        { verb: "patch", apiGroup: "apps", resource: "deployments/scale", name: "web", namespace: "shop", dryRun: false, status: 200 },
      ],
      stateAfter: { "spec.replicas": i + 2 },
    });
  }
}

/** A hand-written canonical JSON, to pin the documented formula independently of the library's. */
function sortedJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(sortedJson).join(",")}]`;
  if (value && typeof value === "object")
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${sortedJson((value as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  return JSON.stringify(value);
}

test("an export verifies offline, and its hashes follow the documented formula", async (t) => {
  const { db, history } = await historyDatabase(t);
  await someHistory(history);
  const exported = await exportAudit(db, { pageSize: 4 });
  assert.equal(exported.format, "vigil-audit-v1");
  assert.equal(exported.entries.length, 9);
  assert.deepEqual(
    exported.entries.map((e) => e.seq),
    [1, 2, 3, 4, 5, 6, 7, 8, 9],
  );
  const last = exported.entries.at(-1);
  assert.deepEqual(exported.head, { seq: last?.seq, hash: last?.hash });

  const [first] = exported.entries as [AuditEntry];
  assert.equal(first.prev_hash, GENESIS_HASH);
  const { seq, execution_id, type, at, payload } = first;
  const expected = createHash("sha256")
    .update(GENESIS_HASH + sortedJson({ seq, execution_id, type, at, payload }))
    .digest("hex");
  assert.equal(first.hash, expected);

  // As an auditor gets it: JSON text, parsed on another machine.
  const offline: unknown = JSON.parse(JSON.stringify(exported));
  const verdict = verifyAuditExport(offline);
  assert.deepEqual(verdict, { ok: true, entries: 9, head: exported.head });
});

test("the streamed export is the same document as the in-memory one", async (t) => {
  const { db, history } = await historyDatabase(t);
  await someHistory(history, 4);
  const now = () => Date.parse("2026-03-02T00:00:00Z");
  let text = "";
  let chunks = 0;
  for await (const chunk of auditExportJson(db, { pageSize: 5, now })) {
    text += chunk;
    chunks++;
  }
  assert.ok(chunks >= 4, "entries arrive page by page");
  assert.deepEqual(JSON.parse(text), await exportAudit(db, { now }));
  assert.equal(verifyAuditExport(JSON.parse(text)).ok, true);
});

test("flipping any one byte of an export (outside exportedAt) fails verification", async (t) => {
  const { db, history } = await historyDatabase(t);
  await someHistory(history);
  const text = JSON.stringify(await exportAudit(db));
  const bytes = Buffer.from(text, "utf8");
  const stamp = text.indexOf('"exportedAt"');
  const stampEnd = text.indexOf('"entries"');
  const positions: number[] = [];
  for (let i = 0; i < bytes.length; i += Math.max(1, Math.floor(bytes.length / 400))) if (i < stamp || i >= stampEnd) positions.push(i);
  assert.ok(positions.length > 300);
  let verified = 0;
  for (const i of positions) {
    const flipped = Buffer.from(bytes);
    flipped[i] = (flipped[i] ?? 0) ^ 0x01;
    let doc: unknown;
    try {
      doc = JSON.parse(flipped.toString("utf8"));
    } catch {
      continue; // no longer JSON: the CLI reports INVALID, which is a failure too
    }
    verified++;
    const verdict = verifyAuditExport(doc);
    assert.equal(verdict.ok, false, `byte ${i} (${JSON.stringify(text.slice(Math.max(0, i - 20), i + 20))}) flipped, still verified`);
  }
  assert.ok(verified > positions.length / 2, `most flips still parse as JSON and reach the verifier (${verified})`);
});

test("an anchor from an earlier export catches truncation and a rewrite the chain alone cannot", async (t) => {
  const { db, history } = await historyDatabase(t);
  await someHistory(history, 2);
  const anchor = (await exportAudit(db)).head;
  await someHistory(history, 2);
  const later = await exportAudit(db);
  assert.equal(verifyAuditExport(later, { anchor }).ok, true, "the history grew; the anchor is still in it");

  // Truncated back before the anchor, head adjusted: consistent on its own, not with what was seen before.
  const truncated: AuditExport = { ...later, entries: later.entries.slice(0, anchor.seq - 2) };
  const cut = truncated.entries.at(-1);
  truncated.head = { seq: cut?.seq ?? 0, hash: cut?.hash ?? GENESIS_HASH };
  assert.equal(verifyAuditExport(truncated).ok, true);
  const truncatedVerdict = verifyAuditExport(truncated, { anchor });
  assert.equal(truncatedVerdict.ok, false);
  assert.match(truncatedVerdict.problem ?? "", new RegExp(`the anchor seq ${anchor.seq} is not in the chain`));

  // Rewritten from seq 2 on, every hash recomputed: only the anchor knows.
  const rewritten: AuditExport = structuredClone(later);
  let prev = GENESIS_HASH;
  for (const entry of rewritten.entries) {
    if (entry.seq === 2) (entry.payload as unknown as Record<string, unknown>)["note"] = "rewritten";
    entry.prev_hash = prev;
    entry.hash = entryHash(prev, entry);
    prev = entry.hash;
  }
  rewritten.head = { seq: rewritten.entries.at(-1)?.seq ?? 0, hash: prev };
  assert.equal(verifyAuditExport(rewritten).ok, true);
  const rewrittenVerdict = verifyAuditExport(rewritten, { anchor });
  assert.equal(rewrittenVerdict.ok, false);
  assert.equal(rewrittenVerdict.firstBadSeq, anchor.seq);
  assert.match(rewrittenVerdict.problem ?? "", /hash differs from the anchor recorded for seq \d+: history was rewritten/);
});

test("what is not a sound export says why", async (t) => {
  const { db } = await historyDatabase(t);
  const empty = await exportAudit(db);
  assert.deepEqual(empty.head, { seq: 0, hash: GENESIS_HASH });
  assert.deepEqual(verifyAuditExport(empty), { ok: true, entries: 0, head: { seq: 0, hash: GENESIS_HASH } });
  assert.match(verifyAuditExport([]).problem ?? "", /expected a JSON object/);
  assert.match(verifyAuditExport({ ...empty, format: "vigil-audit-v0" }).problem ?? "", /not a vigil-audit-v1 export/);
  assert.match(verifyAuditExport({ ...empty, entries: {} }).problem ?? "", /entries is not an array/);
  assert.match(verifyAuditExport({ ...empty, head: { seq: 3, hash: GENESIS_HASH } }).problem ?? "", /is not the last entry/);
  const malformed = verifyAuditExport({ ...empty, entries: [{ seq: 1, execution_id: "x", type: "created" }] });
  assert.equal(malformed.ok, false);
  assert.equal(malformed.firstBadSeq, 1);
  assert.match(malformed.problem ?? "", /entry 0 is malformed: at: /);
});

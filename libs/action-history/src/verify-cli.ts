#!/usr/bin/env node
// vigil-audit-verify: checks an audit export (GET /api/v1/audit/export) offline, with no database or network.
//   vigil-audit-verify export.json            curl -s .../api/v1/audit/export | vigil-audit-verify -
//   vigil-audit-verify --anchor 1234:<hash> export.json   (a head recorded from an earlier export)
// Exit 0: verified. 1: tampered, or not a valid export. 2: usage (bad arguments, unreadable file).
import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { verifyAuditExport, type VerifyOptions } from "./audit-verify.js";

const usage = `usage: vigil-audit-verify [--anchor <seq>:<hash>] [<export.json> | -]

Verifies a Vigil audit export (format vigil-audit-v1) offline: the hash chain, every entry's hash, the
state each entry commits to (replayed from the recorded changes) and the head.
  <export.json>  the export file; "-" or nothing reads standard input
  --anchor       the {seq, hash} head of an earlier export: the chain must still contain it unchanged
Prints "OK: <n> entries, head <hash>" (exit 0) or "TAMPERED at seq <n>: <problem>" (exit 1).`;

async function readInput(path: string | undefined): Promise<string> {
  if (path === undefined || path === "-") {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString("utf8");
  }
  return readFile(path, "utf8");
}

function parseAnchor(spec: string): VerifyOptions["anchor"] {
  const match = /^(\d+):([0-9a-f]{64})$/.exec(spec);
  if (!match) throw new Error(`--anchor must be <seq>:<64 hex digits>, got ${JSON.stringify(spec)}`);
  return { seq: Number(match[1]), hash: match[2] ?? "" };
}

async function main(): Promise<number> {
  let path: string | undefined;
  let anchor: VerifyOptions["anchor"];
  try {
    const { values, positionals } = parseArgs({
      options: { anchor: { type: "string" }, help: { type: "boolean", short: "h" } },
      allowPositionals: true,
    });
    if (values.help) {
      console.log(usage);
      return 0;
    }
    if (positionals.length > 1) throw new Error("one export at a time");
    path = positionals[0];
    if (values.anchor !== undefined) anchor = parseAnchor(values.anchor);
  } catch (err) {
    console.error(`${err instanceof Error ? err.message : String(err)}\n\n${usage}`);
    return 2;
  }
  let text: string;
  try {
    text = await readInput(path);
  } catch (err) {
    console.error(`cannot read ${path}: ${err instanceof Error ? err.message : String(err)}`);
    return 2;
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    console.log(`INVALID: not JSON (${err instanceof Error ? err.message : String(err)})`);
    return 1;
  }
  const result = verifyAuditExport(doc, anchor ? { anchor } : {});
  if (result.ok) {
    console.log(`OK: ${result.entries} entries, head ${result.head.hash}`);
    return 0;
  }
  console.log(result.firstBadSeq !== undefined ? `TAMPERED at seq ${result.firstBadSeq}: ${result.problem}` : `INVALID: ${result.problem}`);
  return 1;
}

process.exitCode = await main();

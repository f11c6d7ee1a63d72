// `vigil audit verify`: is the action history intact? By default the executor checks its live tables (GET
// /api/v1/audit/verify); --database-url checks PostgreSQL directly with @vigil/action-history's verifier (the same
// code), and --export checks a saved export offline (as vigil-audit-verify does). Exit 0 intact, 1 broken, naming the
// first broken link.
import { readFile } from "node:fs/promises";
import type { AuditVerification } from "@vigil/action-history";
import { InvalidInputError, UnavailableError } from "@vigil/errors";
import { type CommandContext, type CommandDefinition, stringFlag } from "../command-definition.js";
import { ExitCode } from "../exit-codes.js";

// The verifier, the PostgreSQL client and their logging are loaded when used: @vigil/db alone took 1.3 s to load on a
// busy machine, which every other `vigil` command would pay for nothing.
async function direct(url: string): Promise<AuditVerification> {
  const [{ verifyAudit }, { createDatabase }, { pino }, { Registry }] = await Promise.all([
    import("@vigil/action-history"),
    import("@vigil/db"),
    import("pino"),
    import("prom-client"),
  ]);
  const db = createDatabase({ url, applicationName: "vigil-cli", log: pino({ level: "silent" }), registry: new Registry(), poolMax: 2 });
  try {
    return await verifyAudit(db);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new UnavailableError(`cannot verify in PostgreSQL (${why}); check --database-url / DATABASE_URL`, { cause: err });
  } finally {
    await db.close();
  }
}

async function offline(ctx: CommandContext, path: string): Promise<AuditVerification> {
  let doc: unknown;
  try {
    doc = JSON.parse(path === "-" ? await ctx.stdin() : await readFile(path, "utf8"));
  } catch (err) {
    throw new InvalidInputError(`cannot read the export ${path}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const { verifyAuditExport } = await import("@vigil/action-history");
  return verifyAuditExport(doc);
}

export const auditCommand: CommandDefinition = {
  name: "audit",
  summary: "verify the hash-chained action history (executor, PostgreSQL or an export)",
  usage: ["audit verify [--database-url URL | --direct | --export FILE]"],
  help: `Verifies the audit chain and every history row against it: each entry's hash, the links between entries, the
state each entry commits to, and that no row was edited, inserted or deleted behind the history's back.

  (default)           the executor checks its own database: GET /api/v1/audit/verify
  --database-url URL  check PostgreSQL directly (read-only, one repeatable-read snapshot)
  --direct            the same with DATABASE_URL
  --export FILE       check a saved export (GET /api/v1/audit/export) offline; - reads standard input

Prints "OK: <n> entries, head <hash>" (exit 0) or "BROKEN at seq <n> (execution <id>): <problem>" (exit 1).`,
  options: { "database-url": { type: "string" }, direct: { type: "boolean" }, export: { type: "string" } },
  async run(ctx) {
    if (ctx.args[0] !== "verify" || ctx.args.length > 1) throw new InvalidInputError("audit needs verify (vigil audit verify)");
    const exportFile = stringFlag(ctx, "export");
    const url = stringFlag(ctx, "database-url") ?? (ctx.flags["direct"] ? ctx.env["DATABASE_URL"] : undefined);
    if (ctx.flags["direct"] && !url) throw new InvalidInputError("--direct reads DATABASE_URL, which is not set");
    if (exportFile && url) throw new InvalidInputError("--export and --database-url/--direct: pick one");
    const source = exportFile ? `export ${exportFile}` : url ? "PostgreSQL" : "executor";
    const result = exportFile
      ? await offline(ctx, exportFile)
      : url
        ? await direct(url)
        : await ctx.services.data<AuditVerification>("executor", "/api/v1/audit/verify");
    const { paint } = ctx.out;
    ctx.out.result({ source, ...result }, () =>
      result.ok
        ? paint.green(`OK: ${result.entries} entries, head ${result.head.hash} (${source})\n`)
        : paint.red(
            `BROKEN at seq ${result.firstBadSeq ?? "?"}${result.executionId ? ` (execution ${result.executionId})` : ""}: ${result.problem ?? "unknown problem"} (${source}; last good entry seq ${result.head.seq})\n`,
          ),
    );
    return result.ok ? ExitCode.ok : ExitCode.problem;
  },
};

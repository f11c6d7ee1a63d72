// `vigil replay <alert.json>`: sends a saved Alertmanager payload to the webhook again, as Alertmanager would
// (POST /alerts, bearer WEBHOOK_BEARER_TOKEN). The file is checked against the contracts' schema first, so a bad
// file is a usage error naming the field, not a 400 from a service. The webhook dedupes by fingerprint, startsAt and
// status: replaying an alert it already stored reports it as a duplicate.
import { readFile } from "node:fs/promises";
import { alertmanagerWebhook } from "@vigil/contracts";
import { InvalidInputError } from "@vigil/errors";
import type { CommandDefinition } from "../command-definition.js";
import { ExitCode } from "../exit-codes.js";
import { withTokenHint } from "../token-hint.js";

interface ReplayResult {
  received: number;
  published: number;
  duplicates: number;
  filtered: number;
}

export const replayCommand: CommandDefinition = {
  name: "replay",
  summary: "send a saved Alertmanager payload to the webhook again",
  usage: ["replay <alert.json | ->"],
  help: `Validates the file as an Alertmanager webhook payload (version 4), then POSTs it to the webhook's /alerts, and
prints what it did: received, published, duplicates (already stored: the webhook dedupes) and filtered.
"-" reads the payload from standard input. Sends WEBHOOK_BEARER_TOKEN when set.

An unreadable or invalid file exits 2 naming the problem; a webhook that cannot store the alerts (503) exits 3.`,
  async run(ctx) {
    const [path, ...extra] = ctx.args;
    if (!path || extra.length > 0) throw new InvalidInputError("replay takes one file (or - for standard input)");
    let text: string;
    try {
      text = path === "-" ? await ctx.stdin() : await readFile(path, "utf8");
    } catch (err) {
      throw new InvalidInputError(`cannot read ${path}: ${err instanceof Error ? err.message : String(err)}`);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      throw new InvalidInputError(`${path} is not JSON: ${err instanceof Error ? err.message : String(err)}`);
    }
    const parsed = alertmanagerWebhook.safeParse(json);
    if (!parsed.success) {
      const lines = parsed.error.issues.map((i) => `  ${i.path.map(String).join(".") || "(payload)"}: ${i.message}`);
      throw new InvalidInputError(`${path} is not an Alertmanager webhook payload:\n${lines.join("\n")}`);
    }
    if (parsed.data.alerts.length === 0) throw new InvalidInputError(`${path} has no alerts: nothing to replay`);
    // The file as saved, not the parsed copy (which has defaults filled in): a replay is what Alertmanager sent.
    const result = await ctx.services
      .data<ReplayResult>("webhook", "/alerts", { body: text, ...(ctx.config.webhookToken ? { token: ctx.config.webhookToken } : {}) })
      .catch((err: unknown) => withTokenHint(ctx, "WEBHOOK_BEARER_TOKEN", err));
    ctx.out.result(
      result,
      () =>
        `replayed ${path}: ${result.received} received, ${result.published} published, ${result.duplicates} duplicate${result.duplicates === 1 ? "" : "s"} (already stored), ${result.filtered} filtered\n`,
    );
    return ExitCode.ok;
  },
};

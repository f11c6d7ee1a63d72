// `vigil dlq list` / `vigil dlq replay`: the messages consumers gave up on, and sending them through again once the
// cause is fixed (see dead-letters.ts for how replay stays idempotent).
import { InvalidInputError } from "@vigil/errors";
import { type CommandContext, type CommandDefinition, stringFlag } from "../command-definition.js";
import type { ReplayOutcome, StoredDeadLetter } from "../dead-letters.js";
import { ExitCode } from "../exit-codes.js";
import { age, renderTable } from "../table.js";

/** Loaded when a dlq command runs (the NATS client with it), not by every `vigil` run. */
const deadLetters = () => import("../dead-letters.js");

async function list(ctx: CommandContext): Promise<number> {
  if (ctx.args.length > 1) throw new InvalidInputError("dlq list takes no arguments (filter with --consumer NAME)");
  const consumer = stringFlag(ctx, "consumer");
  const { readDeadLetters } = await deadLetters();
  const letters = await readDeadLetters(await ctx.nats(), consumer);
  const { paint } = ctx.out;
  ctx.out.result(letters, () =>
    letters.length === 0
      ? `no dead letters${consumer ? ` of ${consumer}` : ""}\n`
      : renderTable<StoredDeadLetter>(
          [
            { header: "SEQ", value: (d) => String(d.seq), align: "right" },
            { header: "CONSUMER", value: (d) => d.letter?.consumer ?? d.subject },
            { header: "REASON", value: (d) => (d.letter ? paint.yellow(d.letter.reason) : paint.red("unreadable")) },
            { header: "ATTEMPTS", value: (d) => (d.letter ? String(d.letter.deliveryCount) : "-"), align: "right" },
            { header: "AGE", value: (d) => age(d.letter?.deadLetteredAt ?? d.storedAt) },
            { header: "SUBJECT", value: (d) => (d.letter ? `${d.letter.subject} (${d.letter.stream} #${d.letter.streamSequence})` : "-") },
            { header: "ERROR", value: (d) => d.letter?.error ?? d.invalid ?? "", max: 80 },
          ],
          letters,
          paint,
        ) + `${letters.length} dead letter${letters.length === 1 ? "" : "s"}; replay with vigil dlq replay <seq...> or --all\n`,
  );
  return ExitCode.ok;
}

async function replay(ctx: CommandContext): Promise<number> {
  const all = ctx.flags["all"] === true;
  const given = ctx.args.slice(1);
  if (all === given.length > 0) throw new InvalidInputError("dlq replay takes sequence numbers (from dlq list) or --all, not both");
  const seqs = given.map((s) => {
    const n = Number(s);
    if (!Number.isInteger(n) || n < 1)
      throw new InvalidInputError(`${JSON.stringify(s)} is not a dead-letter sequence number (see vigil dlq list)`);
    return n;
  });
  const nats = await ctx.nats();
  const { readDeadLetters, replayDeadLetter } = await deadLetters();
  const consumer = stringFlag(ctx, "consumer");
  const targets = all ? (await readDeadLetters(nats, consumer)).map((d) => d.seq) : seqs;
  const outcomes: ReplayOutcome[] = [];
  for (const [i, seq] of targets.entries()) {
    const outcome = await replayDeadLetter(nats, seq);
    outcomes.push(outcome);
    ctx.out.progress(i + 1, targets.length, `${seq}: ${outcome.ok ? `replayed to ${outcome.subject}` : `FAILED: ${outcome.error}`}`);
    if (outcome.warning) ctx.out.warn(`${seq}: ${outcome.warning}`);
  }
  const failed = outcomes.filter((o) => !o.ok).length;
  const { paint } = ctx.out;
  ctx.out.result({ replayed: outcomes.length - failed, failed, outcomes }, () => {
    if (outcomes.length === 0) return "nothing to replay\n";
    const table = renderTable<ReplayOutcome>(
      [
        { header: "SEQ", value: (o) => String(o.seq), align: "right" },
        {
          header: "RESULT",
          value: (o) => (o.ok ? paint.green(o.duplicate ? "replayed (already stored)" : "replayed") : paint.red("failed")),
        },
        { header: "CONSUMER", value: (o) => o.consumer ?? "-" },
        { header: "TO", value: (o) => (o.ok ? `${o.subject} (${o.stream} #${o.streamSequence})` : (o.subject ?? "-")) },
        { header: "ALSO SEEN BY", value: (o) => (o.alsoDeliveredTo?.length ? o.alsoDeliveredTo.join(",") : "-") },
        { header: "ERROR", value: (o) => o.error ?? "", max: 80 },
      ],
      outcomes,
      paint,
    );
    return `${table}${outcomes.length - failed} replayed, ${failed} failed\n`;
  });
  return failed > 0 ? ExitCode.problem : ExitCode.ok;
}

export const dlqCommand: CommandDefinition = {
  name: "dlq",
  summary: "dead letters: list them, replay them",
  usage: ["dlq list [--consumer NAME]", "dlq replay <seq>... | --all [--consumer NAME]"],
  help: `list     every dead letter in VIGIL_DLQ: its sequence, the consumer that gave up, why (invalid_message,
         permanent_error, max_deliveries), attempts, age, the original subject and the error.
replay   republishes each original message to its original subject with its original headers, then removes it
         from the DLQ; progress on stderr. Exits 1 if any replay failed.

  --consumer NAME   only that consumer's dead letters (e.g. executor, analyzer, effectiveness)
  --all             replay every dead letter (of --consumer, when given)

Idempotency: the replay keeps the message's own id, on which every consumer dedupes its effects, so a consumer that
had already handled it (every durable on the subject receives the replay) skips it; its JetStream message id is
replay:<dead-letter id>, so replaying the same dead letter twice stores it once. A message dead-lettered as
invalid_message comes back unless the consumer now accepts it.`,
  options: { consumer: { type: "string" }, all: { type: "boolean" } },
  async run(ctx) {
    switch (ctx.args[0]) {
      case "list":
        return list(ctx);
      case "replay":
        return replay(ctx);
      default:
        throw new InvalidInputError(`dlq needs list or replay${ctx.args[0] ? `, not ${JSON.stringify(ctx.args[0])}` : ""}`);
    }
  },
};

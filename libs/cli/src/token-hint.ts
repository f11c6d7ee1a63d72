// A refusal for want of a token says which variable the CLI reads it from, after the service's own message.
import type { CommandContext } from "./command-definition.js";

export function withTokenHint(ctx: CommandContext, variable: "EXECUTOR_API_TOKEN" | "WEBHOOK_BEARER_TOKEN", err: unknown): never {
  const sent = variable === "EXECUTOR_API_TOKEN" ? ctx.config.executorToken : ctx.config.webhookToken;
  if (err instanceof Error && /answered 40[13]/.test(err.message))
    err.message += sent
      ? `\n(the CLI sent ${variable} as the bearer token: check it is the service's token)`
      : `\n(the CLI sends ${variable} as the bearer token, and it is not set)`;
  throw err;
}

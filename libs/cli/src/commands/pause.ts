// `vigil pause` / `vigil resume`: the executor's break-glass switch (POST /api/v1/pause|resume with
// EXECUTOR_API_TOKEN). While paused, no replica makes a live change; proposals are still recorded. `--show` reads it.
import { pauseBody } from "@vigil/contracts";
import { InvalidInputError } from "@vigil/errors";
import { type CommandDefinition, stringFlag } from "../command-definition.js";
import { ExitCode } from "../exit-codes.js";
import { withTokenHint } from "../token-hint.js";
import { defaultUser } from "../user.js";
import { checked, defined } from "../validate.js";

interface PauseState {
  paused: boolean;
  by?: string;
  at?: string;
  reason?: string;
}

const describe = (s: PauseState) =>
  s.paused
    ? `executor PAUSED by ${s.by ?? "?"} at ${s.at ?? "?"}${s.reason ? `: ${s.reason}` : ""}; no live change until vigil resume\n`
    : `executor not paused${s.by ? ` (resumed by ${s.by} at ${s.at ?? "?"}${s.reason ? `: ${s.reason}` : ""})` : ""}\n`;

function switchCommand(which: "pause" | "resume"): CommandDefinition {
  return {
    name: which,
    summary: which === "pause" ? "break-glass: stop every live change now (executor)" : "end the break-glass pause",
    usage: [`${which} --reason TEXT [--by NAME]`, ...(which === "pause" ? ["pause --show"] : [])],
    help: `${which === "pause" ? "Pauses" : "Resumes"} the executor on every replica (a flag in NATS KV).

  --reason TEXT   why (recorded, shown by vigil status)
  --by NAME       who (default VIGIL_USER, else the login name)
${which === "pause" ? "  --show          only show the current state\n" : ""}
Needs EXECUTOR_API_TOKEN (401/403 otherwise, exit 4).`,
    options: { reason: { type: "string" }, by: { type: "string" }, ...(which === "pause" ? { show: { type: "boolean" as const } } : {}) },
    async run(ctx) {
      if (ctx.args.length > 0) throw new InvalidInputError(`${which} takes no arguments (use --reason "...")`);
      if (ctx.flags["show"]) {
        const state = await ctx.services.data<PauseState>("executor", "/api/v1/pause");
        ctx.out.result(state, () => describe(state));
        return ExitCode.ok;
      }
      const reason = stringFlag(ctx, "reason");
      if (!reason) throw new InvalidInputError(`${which} needs --reason "..." (it is recorded for whoever looks next)`);
      const body = checked(pauseBody, defined({ by: stringFlag(ctx, "by") ?? defaultUser(ctx.env), reason }), "flags");
      const state = await ctx.services
        .data<PauseState>("executor", `/api/v1/${which}`, {
          body,
          ...(ctx.config.executorToken ? { token: ctx.config.executorToken } : {}),
        })
        .catch((err: unknown) => withTokenHint(ctx, "EXECUTOR_API_TOKEN", err));
      ctx.out.result(state, () => describe(state));
      return ExitCode.ok;
    },
  };
}

export const pauseCommand = switchCommand("pause");
export const resumeCommand = switchCommand("resume");

// What a command is: a name, its help, its own flags (node:util parseArgs options) and `run`, which returns the
// exit code (0, or 1 when it found a problem) and throws @vigil/errors kinds for everything else (exit-codes.ts).
// Each command is one file in commands/ and commands/index.ts lists them, like the tracer registry.
import type { ParseArgsConfig } from "node:util";
import type { CliConfig } from "./config.js";
import type { NatsHandle } from "./nats.js";
import type { Output } from "./output.js";
import type { ServiceClient } from "./service-client.js";

export type CommandOptions = NonNullable<ParseArgsConfig["options"]>;

export interface CommandContext {
  /** Positional arguments after the command name (`dlq replay 4 7` → ["replay", "4", "7"]). */
  args: string[];
  /** Parsed flags (global and the command's own). */
  flags: Record<string, string | boolean | string[] | undefined>;
  config: CliConfig;
  out: Output;
  services: ServiceClient;
  /** Connects on first use; closed by the CLI when the command ends. */
  nats(): Promise<NatsHandle>;
  env: NodeJS.ProcessEnv;
  /** Reads standard input (for `-` arguments). */
  stdin(): Promise<string>;
}

export interface CommandDefinition {
  name: string;
  /** One line, for `vigil --help`. */
  summary: string;
  /** Usage lines after `vigil ` (`approve <execution-id> [--by NAME] [--reason TEXT]`). */
  usage: string[];
  /** Details for `vigil <name> --help`: flags, environment, what the output says. */
  help: string;
  options?: CommandOptions;
  run(ctx: CommandContext): Promise<number>;
}

/** A string flag's value, when given. */
export function stringFlag(ctx: Pick<CommandContext, "flags">, name: string): string | undefined {
  const v = ctx.flags[name];
  return typeof v === "string" ? v : undefined;
}

// `vigil <command> [flags]`: finds the command in the registry, parses global and command flags together with
// node:util parseArgs (strict: an unknown flag is a usage error), runs it, and turns what it throws into an exit
// code and one clear message on stderr.
import { parseArgs } from "node:util";
import type { Readable, Writable } from "node:stream";
import { InvalidInputError } from "@vigil/errors";
import type { CommandContext, CommandDefinition, CommandOptions } from "./command-definition.js";
import { builtinCommands } from "./commands/index.js";
import { loadConfig, serviceNames, urlEnvOf, urlFlagOf } from "./config.js";
import { findLocalStack } from "./local-stack.js";
import { ExitCode, exitCodeHelp, exitCodeOf } from "./exit-codes.js";
import { connectNats, type NatsHandle } from "./nats.js";
import { Output } from "./output.js";
import { colorWanted } from "./paint.js";
import { ServiceClient } from "./service-client.js";

export interface CliIo {
  stdout: Writable & { isTTY?: boolean };
  stderr: Writable & { isTTY?: boolean };
  stdin: Readable;
  env: NodeJS.ProcessEnv;
}

const globalOptions: CommandOptions = {
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
  "no-color": { type: "boolean" },
  timeout: { type: "string" },
  host: { type: "string" },
  "nats-url": { type: "string" },
  ...Object.fromEntries(serviceNames.map((s) => [urlFlagOf(s), { type: "string" as const }])),
};

function mainHelp(commands: readonly CommandDefinition[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return `vigil: the operator's command line for Vigil

Usage: vigil <command> [flags]   (vigil <command> --help for its flags)

Commands:
${commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join("\n")}

Global flags:
  --json               the result as JSON on stdout, nothing else (notes and progress go to stderr)
  --no-color           no colours (also NO_COLOR=1; colours are only used on a terminal anyway)
  --timeout MS         per request (default 5000, VIGIL_TIMEOUT_MS)
  --host HOST          every service on HOST at its default port (VIGIL_HOST)
  --<service>-url URL  one service's base URL (VIGIL_<SERVICE>_URL), e.g. --executor-url http://10.0.0.5:8083
  --nats-url URL       NATS (NATS_URL; credentials NATS_TOKEN or NATS_USER/NATS_PASSWORD)

Services and default URLs (127.0.0.1):
  ${serviceNames.map((s) => `${s} (${urlEnvOf(s)})`).join(", ")}
  ports: webhook 8080, analyzer 8081, investigator 8082, executor 8083, effectiveness 8084, collector 3100, ebpf-ingest 3101

Tokens: EXECUTOR_API_TOKEN (approve, reject, pause, resume), WEBHOOK_BEARER_TOKEN (replay).

${exitCodeHelp}
`;
}

function commandHelp(command: CommandDefinition): string {
  return `Usage:\n${command.usage.map((u) => `  vigil ${u}`).join("\n")}\n\n${command.summary}\n\n${command.help.trim()}\n\nGlobal flags: --json --no-color --timeout MS --host HOST --<service>-url URL --nats-url URL (vigil --help)\n\n${exitCodeHelp}\n`;
}

async function readAll(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString("utf8");
}

/** This process's streams and environment. */
export const processIo = (): CliIo => ({ stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env });

/** Runs one command line; resolves with the exit code. */
export async function runCli(
  argv: readonly string[],
  io: CliIo,
  commands: readonly CommandDefinition[] = builtinCommands,
): Promise<number> {
  const usageError = (message: string, help?: string) => {
    io.stderr.write(`vigil: ${message}\n${help ? `\n${help}` : "Run `vigil --help` for the commands.\n"}`);
    return ExitCode.usage;
  };
  // First pass: only the global flags are known, so the first positional is the command's name.
  const first = parseArgs({ args: [...argv], options: globalOptions, strict: false, allowPositionals: true });
  const name = first.positionals[0];
  if (name === undefined || name === "help") {
    if (first.values["help"] || name === "help") {
      const topic = commands.find((c) => c.name === first.positionals[1]);
      io.stdout.write(topic ? commandHelp(topic) : mainHelp(commands));
      return ExitCode.ok;
    }
    return usageError("no command given", mainHelp(commands));
  }
  const command = commands.find((c) => c.name === name);
  if (!command) return usageError(`unknown command ${JSON.stringify(name)}`);

  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: [...argv], options: { ...globalOptions, ...command.options }, strict: true, allowPositionals: true });
  } catch (err) {
    return usageError(err instanceof Error ? err.message : String(err), commandHelp(command));
  }
  const flags = parsed.values as CommandContext["flags"];
  if (flags["help"]) {
    io.stdout.write(commandHelp(command));
    return ExitCode.ok;
  }
  const args = [...parsed.positionals];
  args.splice(args.indexOf(name), 1);

  const json = flags["json"] === true;
  const out = new Output({
    stdout: io.stdout,
    stderr: io.stderr,
    json,
    color: colorWanted(io.stdout.isTTY === true, io.env, flags["no-color"] === true),
  });
  let nats: Promise<NatsHandle> | undefined;
  try {
    const config = loadConfig(flags, io.env, findLocalStack(io.env));
    const ctx: CommandContext = {
      args,
      flags,
      config,
      out,
      services: new ServiceClient(config),
      nats: () => (nats ??= connectNats(config.nats, config.timeoutMs)),
      env: io.env,
      stdin: () => readAll(io.stdin),
    };
    return await command.run(ctx);
  } catch (err) {
    const code = exitCodeOf(err);
    const message = err instanceof Error ? err.message : String(err);
    if (err instanceof InvalidInputError && code === ExitCode.usage && !("service" in Object(err.details))) {
      return usageError(message, `Run \`vigil ${command.name} --help\` for its usage.\n`);
    }
    out.note(`vigil ${command.name}: ${message}`);
    return code;
  } finally {
    if (nats) await (await nats.catch(() => undefined))?.nc.close().catch(() => undefined);
  }
}

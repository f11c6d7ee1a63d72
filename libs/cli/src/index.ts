// @vigil/cli: the `vigil` command (bin/vigil.mjs runs dist/main.js).
export { processIo, runCli, type CliIo } from "./cli.js";
export type { CommandContext, CommandDefinition } from "./command-definition.js";
export { builtinCommands } from "./commands/index.js";
export { ExitCode, exitCodeOf } from "./exit-codes.js";
export { renderTable, type Column } from "./table.js";
export { parseTarget, type TargetRef } from "./target-ref.js";

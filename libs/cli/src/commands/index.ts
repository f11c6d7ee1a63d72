// Every `vigil` command, in the order `vigil --help` lists them. Adding one: a file here exporting a
// CommandDefinition, and a line below.
import type { CommandDefinition } from "../command-definition.js";
import { actionsCommand } from "./actions.js";
import { auditCommand } from "./audit.js";
import { approveCommand, rejectCommand } from "./decide.js";
import { dlqCommand } from "./dlq.js";
import { historyCommand } from "./history.js";
import { incidentsCommand } from "./incidents.js";
import { pauseCommand, resumeCommand } from "./pause.js";
import { replayCommand } from "./replay.js";
import { statusCommand } from "./status.js";

export const builtinCommands: readonly CommandDefinition[] = [
  statusCommand,
  incidentsCommand,
  actionsCommand,
  approveCommand,
  rejectCommand,
  historyCommand,
  replayCommand,
  dlqCommand,
  pauseCommand,
  resumeCommand,
  auditCommand,
];

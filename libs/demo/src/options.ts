// The command line of `npm run demo`. Mistakes are reported with the usage and exit code 64 (EX_USAGE).
import { parseArgs } from "node:util";
import { DEFAULT_SCENARIOS, demoScenarioNames } from "./demo-scenarios.js";

export const USAGE = `usage: npm run demo -- [--scenarios a,b,...] [--require-approval action,...] [--json] [--no-build]

Plays simulator scenarios through all of Vigil on a virtual clock and prints each incident's stages live,
then a summary table. Exit code 0 when every scenario reached its expected end, 1 otherwise, 64 for usage.

  --scenarios  comma-separated, played in that order (default ${DEFAULT_SCENARIOS.join(",")})
               known: ${demoScenarioNames.join(", ")}
  --require-approval  catalog actions the executor's policy holds for approval on top of the shipped
               policy's (e.g. rollback_deployment): the demo approves them through the executor's API
  --json       print only the summary, as JSON
  --no-build   skip the quiet build (when dist/ is already up to date)`;

export interface CliOptions {
  scenarios: string[];
  requireApproval: string[];
  json: boolean;
  build: boolean;
  help: boolean;
}

export class UsageError extends Error {}

export function parseCli(argv: readonly string[]): CliOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        scenarios: { type: "string" },
        "require-approval": { type: "string" },
        json: { type: "boolean", default: false },
        "no-build": { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const scenarios =
    values.scenarios === undefined
      ? [...DEFAULT_SCENARIOS]
      : values.scenarios
          .split(",")
          .map((s) => s.trim())
          .filter(Boolean);
  const unknown = scenarios.filter((s) => !demoScenarioNames.includes(s));
  if (unknown.length > 0) throw new UsageError(`unknown scenario(s) ${unknown.join(", ")}: choose among ${demoScenarioNames.join(", ")}`);
  if (scenarios.length === 0) throw new UsageError("--scenarios names no scenario");
  if (new Set(scenarios).size !== scenarios.length) throw new UsageError("--scenarios names a scenario twice");
  const requireApproval = (values["require-approval"] ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  return { scenarios, requireApproval, json: values.json, build: !values["no-build"], help: values.help };
}

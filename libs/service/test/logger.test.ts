// LOG_FORMAT=pretty turns a service's JSON log lines into readable ones (a service run alone in a terminal); without
// it the lines stay JSON, as collectors and `npm start` expect. Each case is its own process: the format is read from
// the environment when the logger is made, and pretty output goes straight to file descriptor 1.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { test } from "node:test";

const packageDir = new URL("..", import.meta.url).pathname;
const program = `
import { createLogger } from "@vigil/service";
const log = createLogger("vigil-example", "info");
log.info({ incidentId: "inc_42" }, "diagnosis published");
log.debug("not at this level");
`;

function run(env: Record<string, string>): string {
  const result = spawnSync(process.execPath, ["--conditions=@vigil/source", "--import", "tsx", "--input-type=module", "-e", program], {
    cwd: packageDir,
    env: { ...process.env, NO_COLOR: "1", ...env },
    encoding: "utf8",
    timeout: 60_000,
  });
  assert.equal(result.status, 0, result.stderr);
  return result.stdout;
}

test("LOG_FORMAT=pretty: one readable line per event with the service, the message and the fields", () => {
  const out = run({ LOG_FORMAT: "pretty" });
  assert.match(out, /^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: vigil-example: diagnosis published\n\s+incidentId: "inc_42"\n$/);
  assert.doesNotMatch(out, /not at this level/);
});

test("without LOG_FORMAT the lines stay JSON, with the service and the level label", () => {
  const lines = run({ LOG_FORMAT: "" }).trim().split("\n");
  assert.equal(lines.length, 1);
  const line = JSON.parse(lines[0]!) as Record<string, unknown>;
  assert.equal(line.service, "vigil-example");
  assert.equal(line.level, "info");
  assert.equal(line.msg, "diagnosis published");
  assert.equal(line.incidentId, "inc_42");
});

// `npm run demo`: all of Vigil on the simulator's virtual clock, several scenarios played through it live, and a
// summary table (libs/demo). Ctrl-C stops the scenario in progress and everything the demo started; a second one
// exits at once.
import { parseCli, runDemo, USAGE, UsageError } from "@vigil/demo";

const root = new URL("..", import.meta.url).pathname;

let cli;
try {
  cli = parseCli(process.argv.slice(2));
} catch (err) {
  if (!(err instanceof UsageError)) throw err;
  process.stderr.write(`demo: ${err.message}\n\n${USAGE}\n`);
  process.exit(64);
}
if (cli.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}

const abort = new AbortController();
process.on("SIGINT", () => {
  if (abort.signal.aborted) process.exit(130);
  process.stderr.write("\ndemo: stopping (Ctrl-C again to exit at once)\n");
  abort.abort();
});
process.on("SIGTERM", () => abort.abort());

try {
  const result = await runDemo({
    root,
    scenarios: cli.scenarios,
    requireApproval: cli.requireApproval,
    json: cli.json,
    build: cli.build,
    signal: abort.signal,
  });
  process.exit(abort.signal.aborted ? 130 : result.ok ? 0 : 1);
} catch (err) {
  process.stderr.write(`demo: ${(err as Error).message}\n`);
  process.exit(abort.signal.aborted ? 130 : 1);
}

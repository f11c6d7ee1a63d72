#!/usr/bin/env node
// kube-sim CLI: serves a simulated cluster until stopped, for the demo and for poking at it with kubectl; and, as
// `kube-sim time` / `kube-sim advance 5m`, reads or drives the clock of one that is already running.
//   node libs/kube-sim/dist/cli.js --port 6443 --scenario oom-crashloop --kubeconfig /tmp/kube-sim.yaml
import { parseArgs } from "node:util";
import { readdirSync } from "node:fs";
import { KubeSim } from "./simulator.js";
import { SCENARIO_DIR } from "./scenario/loader.js";
import { parseStartTime, rfc3339 } from "./clock.js";
import { CONTROL_USAGE, runControlCommand, UsageError } from "./cli-control.js";

const usage = `usage: kube-sim [--port <port>] [--host <addr>] [--scenario <name|file>] [--kubeconfig <path>]
                [--kubeconfig-for <identity>=<path> ...] [--clock real|virtual] [--start-time <ISO 8601>]

Serves a simulated Kubernetes API until stopped (Ctrl-C).
  --port            port to listen on (default 0: a free port, printed at start)
  --host            address to bind (default 127.0.0.1)
  --scenario        a shipped scenario name or a YAML file of manifests
  --kubeconfig      write a kubeconfig (the cluster-admin identity) for kubectl/client libraries to this path
  --kubeconfig-for  write a kubeconfig for a named identity, e.g.
                    system:serviceaccount:vigil:executor=/tmp/executor.yaml (repeatable)
  --clock           real (default): simulated time follows the wall clock; virtual: time stands still until
                    advanced (kube-sim advance, or POST /sim/v1/advance?by=5m)
  --start-time      where simulated time starts, e.g. 2026-01-01T00:00:00Z (default: now)
scenarios: ${readdirSync(SCENARIO_DIR)
  .filter((f) => f.endsWith(".yaml"))
  .map((f) => f.replace(/\.yaml$/, ""))
  .sort()
  .join(", ")}

${CONTROL_USAGE}`;

const fail = (message: string, code: number): never => {
  console.error(message);
  process.exit(code);
};

/** `IDENTITY=PATH` pairs of --kubeconfig-for. */
const identityPaths = (specs: string[]): Array<{ user: string; path: string }> =>
  specs.map((spec) => {
    const eq = spec.indexOf("=");
    if (eq <= 0 || eq === spec.length - 1) {
      return fail(
        `invalid --kubeconfig-for "${spec}": use <identity>=<path>, e.g. system:serviceaccount:vigil:executor=/tmp/executor.yaml`,
        64,
      );
    }
    return { user: spec.slice(0, eq), path: spec.slice(eq + 1) };
  });

const control = async (argv: string[]): Promise<void> => {
  try {
    console.log(await runControlCommand(argv));
  } catch (err) {
    if (err instanceof UsageError) fail(`kube-sim ${argv[0]}: ${err.message}\n\n${CONTROL_USAGE}`, 64);
    fail(`kube-sim ${argv[0]}: ${(err as Error).message}`, 1);
  }
};

const serve = async (): Promise<void> => {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: "string", default: "0" },
        host: { type: "string", default: "127.0.0.1" },
        scenario: { type: "string" },
        kubeconfig: { type: "string" },
        "kubeconfig-for": { type: "string", multiple: true, default: [] },
        clock: { type: "string", default: "real" },
        "start-time": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (err) {
    return fail(`${(err as Error).message}\n\n${usage}`, 64);
  }
  if (values.help) {
    console.log(usage);
    return;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`invalid --port "${values.port}"\n\n${usage}`, 64);
  if (values.clock !== "real" && values.clock !== "virtual") fail(`invalid --clock "${values.clock}": use real or virtual`, 64);
  const clock = values.clock as "real" | "virtual";
  let startTime: number | undefined;
  try {
    startTime = parseStartTime(values["start-time"]);
  } catch (err) {
    fail(`kube-sim --start-time: ${(err as Error).message}`, 64);
  }
  const identities = identityPaths(values["kubeconfig-for"]);
  let sim: KubeSim;
  try {
    sim = await KubeSim.start({
      port,
      host: values.host,
      clock,
      ...(startTime !== undefined ? { startTime } : {}),
      ...(values.scenario ? { scenario: values.scenario } : {}),
    });
  } catch (err) {
    return fail(`kube-sim: ${(err as Error).message}`, 1);
  }
  if (values.kubeconfig) await sim.writeKubeconfig(values.kubeconfig);
  for (const { user, path } of identities) await sim.writeKubeconfig(path, { user });
  const s = sim.scenario;
  console.log(
    JSON.stringify({
      msg: "kube-sim listening",
      url: sim.url,
      ...(values.kubeconfig ? { kubeconfig: values.kubeconfig } : {}),
      ...(identities.length ? { kubeconfigsFor: Object.fromEntries(identities.map((i) => [i.user, i.path])) } : {}),
      ...(s ? { scenario: s.name, objects: s.objects, description: s.description } : {}),
      clock,
      startedAt: rfc3339(sim.clock.startedAt),
    }),
  );
  const stop = (signal: string) => {
    console.log(JSON.stringify({ msg: "kube-sim stopping", signal }));
    void sim.stop().then(() => process.exit(0));
  };
  process.once("SIGINT", () => stop("SIGINT"));
  process.once("SIGTERM", () => stop("SIGTERM"));
};

const [first] = process.argv.slice(2);
void (first === "time" || first === "advance" ? control(process.argv.slice(2)) : serve());

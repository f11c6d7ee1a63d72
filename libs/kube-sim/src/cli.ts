#!/usr/bin/env node
// kube-sim CLI: serves a simulated cluster until stopped, for the demo and for poking at it with kubectl.
//   node libs/kube-sim/dist/cli.js --port 6443 --scenario oom-crashloop --kubeconfig /tmp/kube-sim.yaml
import { parseArgs } from "node:util";
import { readdirSync } from "node:fs";
import { KubeSim } from "./simulator.js";
import { SCENARIO_DIR } from "./scenario/loader.js";

const usage = `usage: kube-sim [--port <port>] [--host <addr>] [--scenario <name|file>] [--kubeconfig <path>] [--clock real|virtual]

Serves a simulated Kubernetes API until stopped (Ctrl-C).
  --port        port to listen on (default 0: a free port, printed at start)
  --host        address to bind (default 127.0.0.1)
  --scenario    a shipped scenario name or a YAML file of manifests
  --kubeconfig  write a kubeconfig for kubectl/client libraries to this path
  --clock       real (default): simulated time follows the wall clock; virtual: time stands still
scenarios: ${readdirSync(SCENARIO_DIR)
  .filter((f) => f.endsWith(".yaml"))
  .map((f) => f.replace(/\.yaml$/, ""))
  .sort()
  .join(", ")}`;

const main = async (): Promise<void> => {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: "string", default: "0" },
        host: { type: "string", default: "127.0.0.1" },
        scenario: { type: "string" },
        kubeconfig: { type: "string" },
        clock: { type: "string", default: "real" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (err) {
    console.error(`${(err as Error).message}\n\n${usage}`);
    process.exit(64);
  }
  if (values.help) {
    console.log(usage);
    return;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`invalid --port "${values.port}"\n\n${usage}`);
    process.exit(64);
  }
  if (values.clock !== "real" && values.clock !== "virtual") {
    console.error(`invalid --clock "${values.clock}": use real or virtual`);
    process.exit(64);
  }
  let sim: KubeSim;
  try {
    sim = await KubeSim.start({ port, host: values.host, clock: values.clock, ...(values.scenario ? { scenario: values.scenario } : {}) });
  } catch (err) {
    console.error(`kube-sim: ${(err as Error).message}`);
    process.exit(1);
  }
  if (values.kubeconfig) await sim.writeKubeconfig(values.kubeconfig);
  const s = sim.scenario;
  console.log(
    JSON.stringify({
      msg: "kube-sim listening",
      url: sim.url,
      ...(values.kubeconfig ? { kubeconfig: values.kubeconfig } : {}),
      ...(s ? { scenario: s.name, objects: s.objects, description: s.description } : {}),
      clock: values.clock,
    }),
  );
  const stop = (signal: string) => {
    console.log(JSON.stringify({ msg: "kube-sim stopping", signal }));
    void sim.stop().then(() => process.exit(0));
  };
  process.once("SIGINT", () => stop("SIGINT"));
  process.once("SIGTERM", () => stop("SIGTERM"));
};

void main();

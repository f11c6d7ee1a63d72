// The cluster when there is none: the Kubernetes simulator with a scenario, and a kubeconfig for it under the data
// dir (a fixed path, so `kubectl --kubeconfig .vigil/kubeconfig` works whatever port it got).
import { join } from "node:path";
import { KubeSim } from "@vigil/kube-sim";

export async function startSimulator(opts: {
  scenario: string;
  clock: "real" | "virtual";
  port: number;
  dataDir: string;
}): Promise<{ sim: KubeSim; kubeconfig: string }> {
  let sim: KubeSim;
  try {
    sim = await KubeSim.start({ clock: opts.clock, scenario: opts.scenario, port: opts.port });
  } catch (err) {
    throw new Error(
      `cannot start the Kubernetes simulator with scenario "${opts.scenario}": ${(err as Error).message}\n` +
        "  pick a shipped scenario (ls libs/kube-sim/scenarios) or a YAML path: VIGIL_SCENARIO=oom-crashloop npm start",
    );
  }
  const kubeconfig = join(opts.dataDir, "kubeconfig");
  await sim.writeKubeconfig(kubeconfig);
  return { sim, kubeconfig };
}

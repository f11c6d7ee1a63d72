// Runs a real kubectl against a simulator, as an SRE would: its own kubeconfig, cache and HOME in a temp dir.
// Tests skip (never pass vacuously) when no kubectl is installed.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { KubeSim } from "../src/index.js";

const run = promisify(execFile);

/** A pinned client version (kubectl.1.27) when the machine has one, for tests of older clients. */
export const kubectlBinary = (minor?: number): string | undefined => {
  if (minor === undefined) return "kubectl";
  for (const dir of ["/usr/lib/google-cloud-sdk/bin", "/usr/local/bin", "/usr/bin"]) {
    const path = join(dir, `kubectl.1.${minor}`);
    if (existsSync(path)) return path;
  }
  return undefined;
};

/** Why kubectl tests must skip here, or undefined when kubectl runs. */
export const kubectlMissing = async (binary = "kubectl"): Promise<string | undefined> => {
  try {
    await run(binary, ["version", "--client", "-o", "json"]);
    return undefined;
  } catch {
    return `${binary} is not installed (apt-get install -y kubernetes-client)`;
  }
};

export interface Kubectl {
  /** stdout of a command that must succeed. */
  (...args: string[]): Promise<string>;
  /** stderr of a command that must fail. */
  fails(...args: string[]): Promise<string>;
  /** Writes a manifest to a file and runs `kubectl <verb> -f` on it (create by default). */
  apply(obj: unknown, verb?: "create" | "apply"): Promise<string>;
  dir: string;
  kubeconfig: string;
  close(): Promise<void>;
}

/** A kubectl bound to the simulator (optionally another binary, and a kubeconfig written by the caller). */
export const kubectlFor = async (sim: KubeSim, opts: { binary?: string; kubeconfigText?: string } = {}): Promise<Kubectl> => {
  const dir = await mkdtemp(join(tmpdir(), "kube-sim-kubectl-"));
  const kubeconfig = join(dir, "kubeconfig");
  await writeFile(kubeconfig, opts.kubeconfigText ?? sim.kubeconfig(), { mode: 0o600 });
  const binary = opts.binary ?? "kubectl";
  const exec = async (...args: string[]): Promise<string> => {
    const { stdout } = await run(binary, ["--kubeconfig", kubeconfig, "--cache-dir", join(dir, "cache"), ...args], {
      env: { ...process.env, HOME: dir },
      timeout: 60_000,
    });
    return stdout;
  };
  const kubectl = exec as Kubectl;
  kubectl.fails = async (...args: string[]): Promise<string> => {
    try {
      await exec(...args);
    } catch (err) {
      return (err as { stderr: string }).stderr;
    }
    throw new Error(`kubectl ${args.join(" ")} succeeded unexpectedly`);
  };
  kubectl.apply = async (obj: unknown, verb: "create" | "apply" = "create"): Promise<string> => {
    const file = join(dir, `m-${Math.random().toString(36).slice(2)}.json`);
    await writeFile(file, JSON.stringify(obj));
    return exec(verb, "-f", file);
  };
  kubectl.dir = dir;
  kubectl.kubeconfig = kubeconfig;
  kubectl.close = () => rm(dir, { recursive: true, force: true });
  return kubectl;
};

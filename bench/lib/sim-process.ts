// The simulator in a process of its own, for benches that measure a service: in the bench's process its
// controllers and its answers to the service's polls (metrics, 500 kubelets' stats) would be counted as the
// service's latency. Started with the kube-sim CLI on a YAML of the manifests, a clock (virtual unless asked: a
// service whose work is due on the cluster clock needs the real one) and a kubeconfig;
// driven through its control endpoints (/sim/v1/time, /sim/v1/advance) and the Kubernetes API.
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import type { KubeObject } from "@vigil/kube-sim";
import { stringify } from "yaml";

const CLI = fileURLToPath(new URL("../../libs/kube-sim/dist/cli.js", import.meta.url));

export interface SimProcess {
  url: string;
  kubeconfig: string;
  /** GET a path of the simulated API server (as the cluster admin). */
  get<T>(path: string): Promise<T>;
  /** Moves the virtual clock, controllers running at every step (a real clock cannot be moved). */
  advance(by: string): Promise<void>;
  /** Simulated time (ms). */
  now(): Promise<number>;
  stop(): Promise<void>;
}

export async function startSimProcess(
  objects: readonly KubeObject[],
  dir: string,
  opts: { clock?: "virtual" | "real" } = {},
): Promise<SimProcess> {
  const manifests = join(dir, "cluster.yaml");
  const kubeconfig = join(dir, "kubeconfig");
  writeFileSync(manifests, objects.map((o) => stringify(o)).join("---\n"));
  const child = spawn(process.execPath, [CLI, "--clock", opts.clock ?? "virtual", "--scenario", manifests, "--kubeconfig", kubeconfig], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`kube-sim exited with ${code} before listening`)));
    createInterface({ input: child.stdout }).on("line", (line) => {
      const msg = JSON.parse(line) as { msg?: string; url?: string };
      if (msg.msg === "kube-sim listening" && msg.url) resolve(msg.url);
    });
  });
  const call = async <T>(path: string, init?: RequestInit): Promise<T> => {
    const res = await fetch(url + path, init);
    if (!res.ok) throw new Error(`kube-sim ${init?.method ?? "GET"} ${path}: HTTP ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
  return {
    url,
    kubeconfig,
    get: (path) => call(path),
    advance: async (by) => {
      await call(`/sim/v1/advance?by=${encodeURIComponent(by)}`, { method: "POST" });
    },
    now: async () => (await call<{ nowMs: number }>("/sim/v1/time")).nowMs,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

// The kustomize base and overlays, built by the real kubectl (its built-in Kustomize v5), exactly as
// `kubectl apply -k` builds them. Each target is built once per test process.
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { parseAllDocuments } from "yaml";

export type Obj = Record<string, any>;

export const root = fileURLToPath(new URL("../..", import.meta.url));
export const TARGETS = { base: "deploy/kubernetes", dev: "deploy/overlays/dev", prod: "deploy/overlays/prod" } as const;
export type Target = keyof typeof TARGETS;

const run = promisify(execFile);
const builds = new Map<Target, Promise<Built>>();

export interface Built {
  /** The rendered multi-document YAML, as `kubectl apply -f -` would read it. */
  yaml: string;
  objects: Obj[];
}

/** Why kubectl cannot build here (not installed), or undefined when it can. */
export async function kubectlMissing(): Promise<string | undefined> {
  try {
    await run("kubectl", ["version", "--client"], { timeout: 20_000 });
    return undefined;
  } catch (err) {
    return `kubectl is not installed (Debian: kubernetes-client): ${(err as Error).message}`;
  }
}

/** `kubectl kustomize <target>`, parsed. */
export function kustomize(target: Target): Promise<Built> {
  let built = builds.get(target);
  if (!built) {
    built = run("kubectl", ["kustomize", TARGETS[target]], { cwd: root, timeout: 60_000, maxBuffer: 16 * 1024 * 1024 }).then(
      ({ stdout }) => ({ yaml: stdout, objects: parseAllDocuments(stdout).map((d) => d.toJS() as Obj) }),
    );
    builds.set(target, built);
  }
  return built;
}

/** The objects of `kind` (and `name`, when given). */
export const objectsOf = (objects: readonly Obj[], kind: string, name?: string): Obj[] =>
  objects.filter((o) => o.kind === kind && (name === undefined || o.metadata?.name === name));

/** The one object of `kind` named `name`. */
export function objectOf(objects: readonly Obj[], kind: string, name: string): Obj {
  const [o, ...more] = objectsOf(objects, kind, name);
  if (!o || more.length) throw new Error(`expected one ${kind} ${name}, found ${more.length + (o ? 1 : 0)}`);
  return o;
}

/** Workloads (Deployments, StatefulSets, DaemonSets) and their pod specs. */
export const workloads = (objects: readonly Obj[]): Obj[] =>
  objects.filter((o) => ["Deployment", "StatefulSet", "DaemonSet"].includes(o.kind));

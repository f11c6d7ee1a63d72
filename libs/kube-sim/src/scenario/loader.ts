// Scenarios: YAML files of ordinary Kubernetes manifests, plus an optional `kind: Scenario` document that
// describes the case, generates nodes and says how long to run before the symptom shows.
import { existsSync, readFileSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";
import { requireDurationMs } from "@vigil/contracts";
import type { Cluster } from "../cluster.js";
import { R, resolveType, storeKey } from "../api/resources.js";
import { ApiError } from "../api/status.js";
import type { KubeObject } from "../types.js";
import { registryOf } from "../kubelet/registry.js";

export const SCENARIO_DIR = fileURLToPath(new URL("../../scenarios/", import.meta.url));

export interface NodeGroup {
  name?: string;
  namePrefix?: string;
  count?: number;
  cpu?: string;
  memory?: string;
  pods?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  taints?: Array<{ key: string; value?: string; effect: string }>;
  unschedulable?: boolean;
}

/** A change the scenario makes after loading (a rollout, a node failing), at `afterMs` of simulated time. */
export interface TimelineStep {
  afterMs: number;
  patch: { kind: string; name: string; namespace?: string; type?: "strategic" | "merge" | "json"; patch: unknown };
}

export interface ScenarioInfo {
  name: string;
  description: string;
  symptom: string;
  remediation: string;
  /** Simulated time to run after loading, so the symptom is visible. */
  warmupMs: number;
  timeline: TimelineStep[];
  objects: number;
  /** Node names with a simulated kubelet (`spec.kubelets`), for Nodes created later over the API (kubectl create). */
  kubelets?: string[];
  /** Images the scenario's registry holds besides those its workloads use (`spec.registry.images`). */
  registryImages: string[];
}

// Creation order: what others reference comes first.
const ORDER = [
  "Namespace",
  "StorageClass",
  "PersistentVolume",
  "Node",
  "ConfigMap",
  "Secret",
  "ServiceAccount",
  "ResourceQuota",
  "LimitRange",
  "PersistentVolumeClaim",
  "Service",
  "PodDisruptionBudget",
];
const rank = (kind: string): number => (ORDER.includes(kind) ? ORDER.indexOf(kind) : ORDER.length);

export const scenarioPath = (nameOrPath: string): string => {
  const candidates = [nameOrPath, resolve(SCENARIO_DIR, `${nameOrPath}.yaml`)];
  const found = candidates.find((p) => (isAbsolute(p) || p.includes("/") || p.endsWith(".yaml")) && existsSync(p));
  if (!found) throw new Error(`scenario "${nameOrPath}" not found: give a file path or one of the shipped names (${SCENARIO_DIR})`);
  return found;
};

const nodeManifests = (groups: NodeGroup[]): KubeObject[] =>
  groups.flatMap((g) => {
    const count = g.count ?? 1;
    return Array.from({ length: count }, (_, i) => ({
      apiVersion: "v1",
      kind: "Node",
      metadata: {
        name: g.name && count === 1 ? g.name : `${g.namePrefix ?? g.name ?? "node"}-${i + 1}`,
        labels: g.labels ?? {},
        annotations: g.annotations ?? {},
      },
      spec: { ...(g.taints ? { taints: g.taints } : {}), ...(g.unschedulable ? { unschedulable: true } : {}) },
      status: { capacity: { cpu: g.cpu ?? "4", memory: g.memory ?? "16Gi", pods: g.pods ?? "110", "ephemeral-storage": "100Gi" } },
    }));
  });

/** Parses manifests (multi-document YAML, `kind: List` expanded) and the optional Scenario document. */
export const parseScenario = (text: string, fallbackName: string): { info: ScenarioInfo; objects: KubeObject[] } => {
  const docs = parseAllDocuments(text);
  const objects: KubeObject[] = [];
  let info: ScenarioInfo = {
    name: fallbackName,
    description: "",
    symptom: "",
    remediation: "",
    warmupMs: 0,
    timeline: [],
    objects: 0,
    registryImages: [],
  };
  docs.forEach((doc, i) => {
    if (doc.errors.length) throw new Error(`document ${i + 1}: ${doc.errors[0]!.message}`);
    const o = doc.toJS() as KubeObject | null;
    if (!o) return;
    if (o.kind === "Scenario") {
      const spec = o.spec ?? {};
      const timeline = ((spec.timeline ?? []) as Array<{ after: string; patch: TimelineStep["patch"] }>)
        .map((step, j) => {
          if (!step?.patch?.kind || !step.patch.name || step.patch.patch === undefined)
            throw new Error(`timeline step ${j + 1}: needs after and patch {kind, name, patch}`);
          return { afterMs: requireDurationMs(step.after ?? 0), patch: step.patch };
        })
        .sort((a, b) => a.afterMs - b.afterMs);
      info = {
        name: o.metadata?.name ?? fallbackName,
        description: spec.description ?? "",
        symptom: spec.symptom ?? "",
        remediation: spec.remediation ?? "",
        warmupMs: spec.warmup ? requireDurationMs(spec.warmup) : 0,
        timeline,
        objects: 0,
        registryImages: ((spec.registry?.images ?? []) as unknown[]).map(String),
      };
      objects.push(...nodeManifests(spec.nodes ?? []));
      if (spec.kubelets) info.kubelets = (spec.kubelets as unknown[]).map(String);
      return;
    }
    if (o.kind === "List") objects.push(...((o.items as KubeObject[] | undefined) ?? []));
    else objects.push(o);
  });
  for (const [i, o] of objects.entries()) {
    if (!o?.kind || !o.metadata?.name) throw new Error(`object ${i + 1}: every manifest needs kind and metadata.name`);
    if (!resolveType(o.kind)) throw new Error(`object ${i + 1} (${o.kind}/${o.metadata.name}): kind ${o.kind} is not simulated`);
  }
  objects.sort((a, b) => rank(a.kind) - rank(b.kind));
  return { info: { ...info, objects: objects.length }, objects };
};

/** Creates the objects; namespaces they use are created when missing, as a convenience for scenario authors. */
export const createObjects = (cluster: Cluster, objects: KubeObject[]): void => {
  registryOf(cluster).learn(objects);
  for (const o of objects) {
    const type = resolveType(o.kind)!;
    const ns = type.namespaced ? (o.metadata.namespace ?? "default") : undefined;
    if (ns && !cluster.get(R.namespaces, undefined, ns)) {
      cluster.create(R.namespaces, { apiVersion: "v1", kind: "Namespace", metadata: { name: ns } });
    }
    try {
      cluster.create(storeKey(type), { ...o, metadata: { ...o.metadata, ...(ns ? { namespace: ns } : {}) } });
    } catch (err) {
      const msg = err instanceof ApiError ? err.message : (err as Error).message;
      throw new Error(`cannot create ${o.kind} ${ns ? `${ns}/` : ""}${o.metadata.name}: ${msg}`);
    }
  }
};

export const readScenario = (nameOrPath: string): { info: ScenarioInfo; objects: KubeObject[] } => {
  const path = scenarioPath(nameOrPath);
  const fallback = path
    .split("/")
    .pop()!
    .replace(/\.ya?ml$/, "");
  return parseScenario(readFileSync(path, "utf8"), fallback);
};

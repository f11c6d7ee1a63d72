// The kustomize output applied to a cluster for real: `kubectl apply` (client-side for dev, server-side for prod) into
// the simulator, whose control plane schedules the pods (anti-affinity, PVCs, taints), runs their probes and fills
// the Services' endpoints. Every workload comes up Ready, every Service has endpoints, the NATS servers spread over
// the nodes, and applying again changes nothing.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { KubeObject } from "@vigil/kube-sim";
import { kubectlMissing, kustomize, type Obj } from "./kustomize-build.js";
import { applyToSim, type SimCluster, untilReady } from "./sim-cluster.js";

const missing = await kubectlMissing();

const readyAddresses = (cluster: SimCluster, service: string): number =>
  ((cluster.sim.get<KubeObject>("Endpoints", service, "vigil")?.subsets as Obj[] | undefined) ?? []).reduce(
    (n, s) => n + ((s.addresses as Obj[] | undefined)?.length ?? 0),
    0,
  );

describe("dev overlay applied with kubectl apply", { skip: missing }, () => {
  let cluster: SimCluster;
  before(async () => {
    cluster = await applyToSim("dev");
    await untilReady(cluster.sim, "vigil");
  });
  after(() => cluster?.stop());

  test("every workload is Ready: five Deployments, NATS and PostgreSQL with bound volumes, a DaemonSet pod per node", () => {
    const pods = cluster.sim.list<KubeObject>("Pod", "vigil");
    const running = pods.filter(
      (p) => p.status?.phase === "Running" && p.status.conditions?.some((c: Obj) => c.type === "Ready" && c.status === "True"),
    );
    // 5 Deployments × 1 + nats + postgres + 2 DaemonSets × 3 nodes.
    assert.equal(running.length, 13, pods.map((p) => `${p.metadata.name} ${p.status?.phase}`).join(", "));
    for (const claim of ["data-nats-0", "data-postgres-0"])
      assert.equal(cluster.sim.get<KubeObject>("PersistentVolumeClaim", claim, "vigil")?.status?.phase, "Bound", claim);
  });

  test("every Service has ready endpoints", () => {
    const services = cluster.sim.list<KubeObject>("Service", "vigil");
    assert.equal(services.length, 9);
    for (const svc of services) assert.ok(readyAddresses(cluster, svc.metadata.name!) > 0, svc.metadata.name);
  });

  test("the NetworkPolicies, ServiceAccounts and ClusterRoles exist as applied", async () => {
    const policies = (await cluster.kubectl(["-n", "vigil", "get", "networkpolicies", "-o", "name"])).trim().split("\n");
    assert.equal(policies.length, 13, policies.join(" "));
    assert.ok(policies.includes("networkpolicy.networking.k8s.io/default-deny"));
    const roles = (await cluster.kubectl(["get", "clusterroles", "-o", "name"])).split("\n").filter((r) => r.includes("vigil-"));
    assert.equal(roles.length, 5, roles.join(" "));
  });

  test("applying the same output again changes nothing", async () => {
    const out = await cluster.kubectl(["apply", "-f", "-"], (await kustomize("dev")).yaml);
    const changed = out
      .trim()
      .split("\n")
      .filter((l) => !l.endsWith(" unchanged"));
    assert.deepEqual(changed, []);
  });
});

describe("prod overlay applied with kubectl apply --server-side", { skip: missing }, () => {
  let cluster: SimCluster;
  before(async () => {
    cluster = await applyToSim("prod", { serverSide: true });
    await untilReady(cluster.sim, "vigil");
  });
  after(() => cluster?.stop());

  test("three NATS servers, one per node, each on its own volume; the headless Service lists all three", () => {
    const nats = cluster.sim.list<KubeObject>("Pod", "vigil").filter((p) => p.metadata.labels?.["app.kubernetes.io/name"] === "nats");
    assert.deepEqual(nats.map((p) => p.metadata.name).sort(), ["nats-0", "nats-1", "nats-2"]);
    assert.equal(new Set(nats.map((p) => p.spec.nodeName)).size, 3, "anti-affinity: never two on one node");
    for (let i = 0; i < 3; i++)
      assert.equal(cluster.sim.get<KubeObject>("PersistentVolumeClaim", `data-nats-${i}`, "vigil")?.status?.phase, "Bound");
    assert.equal(readyAddresses(cluster, "nats-headless"), 3);
  });

  test("two ready replicas per service behind its Service, and every PodDisruptionBudget allows one disruption", () => {
    for (const d of cluster.sim.list<KubeObject>("Deployment", "vigil")) {
      assert.equal(d.status?.readyReplicas, 2, d.metadata.name);
      assert.equal(readyAddresses(cluster, d.metadata.name!), 2, d.metadata.name);
    }
    const pdbs = cluster.sim.list<KubeObject>("PodDisruptionBudget", "vigil");
    assert.equal(pdbs.length, 6);
    for (const pdb of pdbs) assert.ok(pdb.status?.disruptionsAllowed >= 1, `${pdb.metadata.name}: ${JSON.stringify(pdb.status)}`);
  });

  test("the operator's Secrets are used as they are: the services read DATABASE_URL from them", () => {
    const executor = cluster.sim
      .list<KubeObject>("Pod", "vigil")
      .find((p) => p.metadata.labels?.["app.kubernetes.io/name"] === "vigil-executor")!;
    assert.equal(executor.status?.phase, "Running");
    assert.equal(cluster.sim.get<KubeObject>("Secret", "vigil-executor", "vigil")?.metadata?.labels, undefined, "not managed by kustomize");
  });
});

describe("prod overlay applied before the operator created its Secrets", { skip: missing }, () => {
  let cluster: SimCluster;
  before(async () => {
    cluster = await applyToSim("prod", { withoutSecrets: true });
    await cluster.sim.advance("1m");
  });
  after(() => cluster?.stop());

  test("the executor and effectiveness wait, naming the Secret to create; the rest comes up", () => {
    const waiting = new Map<string, string>();
    for (const p of cluster.sim.list<KubeObject>("Pod", "vigil")) {
      const w = (p.status?.containerStatuses as Obj[] | undefined)?.[0]?.state?.waiting as Obj | undefined;
      if (w) waiting.set(p.metadata.labels?.["app.kubernetes.io/name"] ?? "", `${w.reason}: ${w.message}`);
    }
    assert.deepEqual([...waiting.keys()].sort(), ["vigil-effectiveness", "vigil-executor"]);
    assert.equal(waiting.get("vigil-executor"), 'CreateContainerConfigError: secret "vigil-executor" not found');
    assert.equal(waiting.get("vigil-effectiveness"), 'CreateContainerConfigError: secret "vigil-effectiveness" not found');
  });
});

// Preflight checks against the simulator's real cluster state: nodes and their pods, LimitRanges,
// ResourceQuotas (status.used kept by its quota controller), PodDisruptionBudgets (status kept by its
// disruption controller) and HPAs. The plans are built by hand: the checks judge consequences.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { V1PodSpec } from "@kubernetes/client-node";
import { KubeSim } from "@vigil/kube-sim";
import { waitFor } from "@vigil/testing";
import { blastRadiusCheck } from "../src/policy/checks/blast-radius.js";
import { capacityCheck } from "../src/policy/checks/preflight-capacity.js";
import { fitsNodeCheck } from "../src/policy/checks/preflight-fits-node.js";
import { hpaCheck } from "../src/policy/checks/preflight-hpa.js";
import { limitRangeCheck } from "../src/policy/checks/preflight-limit-range.js";
import { pdbCheck } from "../src/policy/checks/preflight-pdb.js";
import { quotaCheck } from "../src/policy/checks/preflight-quota.js";
import { evaluatePolicy } from "../src/policy/engine.js";
import type { PolicyCheck } from "../src/policy/policy-check.js";
import { contextFor, inputFor, planWith } from "./policy-support.js";

const node = (name: string, labels: Record<string, string>, memory: string) => ({
  apiVersion: "v1",
  kind: "Node",
  metadata: { name, labels },
  status: { capacity: { cpu: "4", memory, pods: "110" } },
});

const deployment = (namespace: string, name: string, replicas: number, spec: V1PodSpec) => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name, namespace, labels: { app: name } },
  spec: { replicas, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec } },
});

const container = (name: string, requests: Record<string, string>, limits: Record<string, string>) => ({
  name,
  image: `team/${name}:1.0`,
  resources: { requests, limits },
});

/** web's pod spec with the given memory request/limit (the pool=web nodes only). */
const webSpec = (request: string, limit: string): V1PodSpec => ({
  nodeSelector: { pool: "web" },
  containers: [container("app", { cpu: "250m", memory: request }, { memory: limit })],
});
const svcSpec = (request: string, limit: string): V1PodSpec => ({
  nodeSelector: { pool: "misc" },
  containers: [container("svc", { cpu: "100m", memory: request }, { cpu: "500m", memory: limit })],
});

const web = { kind: "Deployment", namespace: "shop", name: "web" };
const svc = { kind: "Deployment", namespace: "limited", name: "svc" };

let sim: KubeSim;

before(async () => {
  sim = await KubeSim.start({ clock: "virtual" });
  sim.load([
    { apiVersion: "v1", kind: "Namespace", metadata: { name: "shop" } },
    { apiVersion: "v1", kind: "Namespace", metadata: { name: "limited" } },
    // Two 8Gi nodes for web; a 6Gi batch pod on each leaves 2Gi free per node minus web's own pods.
    node("worker-1", { pool: "web", slot: "a" }, "8Gi"),
    node("worker-2", { pool: "web", slot: "b" }, "8Gi"),
    node("worker-3", { pool: "misc" }, "16Gi"),
    node("worker-4", { pool: "spare" }, "8Gi"),
    deployment("shop", "web", 2, webSpec("1Gi", "2Gi")),
    deployment("shop", "batch-a", 1, {
      nodeSelector: { slot: "a" },
      containers: [container("batch", { cpu: "100m", memory: "6Gi" }, { memory: "6Gi" })],
    }),
    deployment("shop", "batch-b", 1, {
      nodeSelector: { slot: "b" },
      containers: [container("batch", { cpu: "100m", memory: "6Gi" }, { memory: "6Gi" })],
    }),
    {
      apiVersion: "policy/v1",
      kind: "PodDisruptionBudget",
      metadata: { name: "web", namespace: "shop" },
      spec: { minAvailable: 2, selector: { matchLabels: { app: "web" } } },
    },
    {
      apiVersion: "policy/v1",
      kind: "PodDisruptionBudget",
      metadata: { name: "batch", namespace: "shop" },
      spec: { maxUnavailable: 1, selector: { matchExpressions: [{ key: "app", operator: "In", values: ["batch-a", "batch-b"] }] } },
    },
    {
      apiVersion: "autoscaling/v2",
      kind: "HorizontalPodAutoscaler",
      metadata: { name: "web", namespace: "shop" },
      spec: {
        scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "web" },
        minReplicas: 2,
        maxReplicas: 6,
        metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 80 } } }],
      },
    },
    {
      apiVersion: "v1",
      kind: "LimitRange",
      metadata: { name: "container-bounds", namespace: "limited" },
      spec: { limits: [{ type: "Container", max: { memory: "3Gi" }, maxLimitRequestRatio: { memory: "4" } }] },
    },
    {
      apiVersion: "v1",
      kind: "ResourceQuota",
      metadata: { name: "team", namespace: "limited" },
      spec: { hard: { "requests.memory": "4Gi", "limits.memory": "8Gi", pods: "4" } },
    },
    deployment("limited", "svc", 2, svcSpec("1Gi", "2Gi")),
  ] as never);
  await sim.advance("1m");
  await waitFor(
    async () => {
      const running = (sim.list("Pod") as Array<{ status?: { phase?: string } }>).filter((p) => p.status?.phase === "Running").length;
      const quota = sim.get("ResourceQuota", "team", "limited") as { status?: { used?: Record<string, string> } } | undefined;
      const pdb = sim.get("PodDisruptionBudget", "batch", "shop") as { status?: { disruptionsAllowed?: number } } | undefined;
      if (running < 6 || quota?.status?.used?.["pods"] !== "2" || pdb?.status?.disruptionsAllowed !== 1) {
        await sim.advance("5s");
        return false;
      }
      return true;
    },
    { timeoutMs: 20_000, intervalMs: 10, message: "pods running, quota and PDB status current" },
  );
});

after(async () => {
  await sim?.stop();
});

const judge = async (check: PolicyCheck, input: ReturnType<typeof inputFor>) => {
  const ctx = contextFor({ kubeUrl: sim.url });
  const result = await check.evaluate(input, ctx);
  const matches = result === undefined ? [] : Array.isArray(result) ? result : "ruleId" in result ? [result] : result.matches;
  return { matches, reads: ctx.ops.operations };
};

const resize = (workload: typeof web, replicas: number, before: V1PodSpec, after: V1PodSpec) =>
  inputFor(
    "increase_resources",
    workload,
    { container: "app", resource: "memory", limit: { factor: 1.5 } },
    { plan: planWith({ resources: { workload, replicas, podSpecBefore: before, podSpecAfter: after } }) },
  );

const scale = (workload: typeof web, from: number, to: number, podSpec: V1PodSpec) =>
  inputFor("scale_deployment", workload, { replicas: to }, { plan: planWith({ replicas: { workload, from, to, podSpec } }) });

test("fits a node: a memory increase that fits is allowed; one that fits no node is denied, with the most free", async () => {
  const fits = await judge(fitsNodeCheck, resize(web, 2, webSpec("1Gi", "2Gi"), webSpec("2Gi", "3Gi")));
  assert.deepEqual(fits.matches, []);
  assert.ok(
    fits.reads.some((op) => op.resource === "nodes" && op.verb === "list"),
    "the check read the nodes",
  );

  const tooBig = await judge(fitsNodeCheck, resize(web, 2, webSpec("1Gi", "2Gi"), webSpec("3Gi", "3Gi")));
  assert.equal(tooBig.matches.length, 1);
  assert.equal(tooBig.matches[0]!.ruleId, "preflight.fits-node");
  assert.match(
    tooBig.matches[0]!.reason,
    /a pod of Deployment shop\/web requests 250m cpu, 3Gi memory, which fits no schedulable node \(most free: .*2Gi memory on worker-/,
  );

  const limit = await judge(fitsNodeCheck, resize(web, 2, webSpec("1Gi", "2Gi"), webSpec("1Gi", "12Gi")));
  assert.match(limit.matches[0]!.reason, /memory limit of 12Gi, more than any schedulable node can allocate \(largest: 8Gi\)/);

  // Through the whole engine: the fitting increase is allowed, the other rejected by preflight (a policy
  // that allows ×4 per change, so only preflight has something to say).
  const ctx = contextFor({ kubeUrl: sim.url, policy: "bounds: { maxResourceFactor: 4 }" });
  assert.equal((await evaluatePolicy(resize(web, 2, webSpec("1Gi", "2Gi"), webSpec("1536Mi", "3Gi")), ctx)).decision.decision, "allowed");
  const denied = await evaluatePolicy(resize(web, 2, webSpec("1Gi", "2Gi"), webSpec("3Gi", "3Gi")), ctx);
  assert.equal(denied.decision.decision, "denied");
  assert.deepEqual(
    denied.decision.matched.filter((m) => m.effect === "deny").map((m) => m.ruleId),
    ["preflight.fits-node"],
  );
});

test("LimitRange: a limit above the Container max is denied naming the LimitRange; within it is allowed", async () => {
  const ok = await judge(limitRangeCheck, resize(svc, 2, svcSpec("1Gi", "2Gi"), svcSpec("1Gi", "3Gi")));
  assert.deepEqual(ok.matches, []);
  const over = await judge(limitRangeCheck, resize(svc, 2, svcSpec("1Gi", "2Gi"), svcSpec("1Gi", "4Gi")));
  assert.equal(over.matches.length, 1);
  assert.match(
    over.matches[0]!.reason,
    /LimitRange limited\/container-bounds: maximum memory per Container is 3Gi, but container "svc" would have a limit of 4Gi/,
  );
  const ratio = await judge(limitRangeCheck, resize(svc, 2, svcSpec("1Gi", "2Gi"), svcSpec("512Mi", "3Gi")));
  assert.match(ratio.matches[0]!.reason, /limit to request ratio per Container is at most 4, but container "svc" would have 6\.00/);
});

test("ResourceQuota: the difference × replicas over the hard limit is denied; a scale-up charges pods and requests", async () => {
  const ok = await judge(quotaCheck, resize(svc, 2, svcSpec("1Gi", "2Gi"), svcSpec("1Gi", "3Gi")));
  assert.deepEqual(ok.matches, [], "limits.memory 4Gi used + 2 × 1Gi = 6Gi of 8Gi");
  const over = await judge(quotaCheck, resize(svc, 2, svcSpec("1Gi", "2Gi"), svcSpec("3Gi", "3Gi")));
  assert.deepEqual(
    over.matches.map((m) => m.ruleId),
    ["preflight.quota"],
  );
  assert.match(
    over.matches[0]!.reason,
    /ResourceQuota limited\/team: requests\.memory would reach 6Gi \(used 2Gi \+ 4Gi\), above its hard limit of 4Gi/,
  );

  const scaleUp = await judge(quotaCheck, scale(svc, 2, 5, svcSpec("1Gi", "2Gi")));
  const reasons = scaleUp.matches.map((m) => m.reason).join("\n");
  assert.match(reasons, /pods would reach 5 \(used 2 \+ 3\), above its hard limit of 4/);
  assert.match(reasons, /requests\.memory would reach 5Gi/);
  assert.deepEqual((await judge(quotaCheck, scale(svc, 2, 3, svcSpec("1Gi", "2Gi")))).matches, []);
});

test("capacity: a scale-up beyond the free allocatable of the schedulable nodes is denied", async () => {
  // pool=web: 16Gi allocatable, 12Gi of batch and 2Gi of web used: room for two more 1Gi pods.
  assert.deepEqual((await judge(capacityCheck, scale(web, 2, 4, webSpec("1Gi", "2Gi")))).matches, []);
  const beyond = await judge(capacityCheck, scale(web, 2, 5, webSpec("1Gi", "2Gi")));
  assert.equal(beyond.matches.length, 1);
  assert.match(
    beyond.matches[0]!.reason,
    /scaling Deployment shop\/web from 2 to 5 adds 3 pods of 250m cpu, 1Gi memory each, but the schedulable nodes have room for 2/,
  );
  assert.deepEqual((await judge(capacityCheck, scale(web, 4, 2, webSpec("1Gi", "2Gi")))).matches, [], "a scale-down needs no room");
});

test("PDB: evicting a pod whose budget allows no disruption is denied naming it; headroom allows", async () => {
  const pods = sim.list("Pod", "shop") as Array<{ metadata: { name: string; labels: Record<string, string> } }>;
  const webPod = pods.find((p) => p.metadata.labels["app"] === "web")!;
  const batchPod = pods.find((p) => p.metadata.labels["app"] === "batch-a")!;
  const evict = (p: typeof webPod) =>
    inputFor(
      "migrate_workload",
      { kind: "Pod", namespace: "shop", name: p.metadata.name },
      {},
      {
        plan: planWith({ disruptedPods: [{ namespace: "shop", name: p.metadata.name, labels: p.metadata.labels, how: "evict" }] }),
      },
    );
  const blocked = await judge(pdbCheck, evict(webPod));
  assert.equal(blocked.matches.length, 1);
  assert.match(
    blocked.matches[0]!.reason,
    new RegExp(
      `PodDisruptionBudget shop/web allows no disruption now \\(2 healthy, 2 required\\): evicting ${webPod.metadata.name} would be refused`,
    ),
  );
  assert.deepEqual((await judge(pdbCheck, evict(batchPod))).matches, []);
});

test("HPA: a replica change on a workload an HPA scales is denied, pointing at the HPA", async () => {
  const denied = await judge(hpaCheck, scale(web, 2, 3, webSpec("1Gi", "2Gi")));
  assert.match(
    denied.matches[0]!.reason,
    /Deployment shop\/web is scaled by HorizontalPodAutoscaler shop\/web \(min 2, max 6\): change the HPA instead \(update_hpa/,
  );
  assert.deepEqual((await judge(hpaCheck, scale(svc, 2, 3, svcSpec("1Gi", "2Gi")))).matches, []);
});

test("blast radius: nodes unschedulable at once, the ones already cordoned included", async () => {
  const cordon = (name: string) => inputFor("cordon_node", { kind: "Node", name }, {}, { plan: planWith({ cordonedNodes: [name] }) });
  assert.deepEqual((await judge(blastRadiusCheck, cordon("worker-4"))).matches, []);
  sim.patch("Node", "worker-4", { spec: { unschedulable: true } });
  const second = await judge(blastRadiusCheck, cordon("worker-1"));
  assert.match(
    second.matches[0]!.reason,
    /cordoning worker-1 would leave 2 nodes unschedulable at once \(already unschedulable: worker-4\); the policy allows 1/,
  );
  assert.deepEqual((await judge(blastRadiusCheck, cordon("worker-4"))).matches, [], "re-cordoning the same node adds none");
  sim.patch("Node", "worker-4", { spec: { unschedulable: false } });
});

// /scheduling and /scheduling/explain against the simulator's scheduling scenarios: the scheduler's real
// FailedScheduling messages, nodes credited only with the checks they fail, free-allocatable maths, actions.
// Every view is also checked against its response schema (the API contract).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { V1Pod } from "@kubernetes/client-node";
import {
  podSchedulingResponse,
  schedulingExplainResponse,
  type PodSchedulingResponse,
  type SchedulingExplainResponse,
} from "@vigil/contracts";
import { KubeSim } from "@vigil/kube-sim";
import { podScheduling } from "../src/views/scheduling.js";
import { explainScheduling } from "../src/views/scheduling-explain.js";
import { analysisContextFor, type AnalysisHarness } from "./analysis-helpers.js";

interface Views {
  pod: V1Pod;
  scheduling: PodSchedulingResponse;
  explain: SchedulingExplainResponse;
}

/** Starts the scenario, hands the views of the first pod matching `pick` to the body, stops everything. */
async function withScenario(
  scenario: string,
  pick: (p: V1Pod) => boolean,
  body: (v: Views, h: AnalysisHarness) => void | Promise<void>,
): Promise<void> {
  const sim = await KubeSim.start({ scenario, clock: "virtual" });
  const h = await analysisContextFor(sim);
  try {
    const pod = h.cache
      .store("Pod")
      .list()
      .filter(pick)
      .sort((a, b) => (a.metadata?.name ?? "").localeCompare(b.metadata?.name ?? ""))[0];
    assert.ok(pod, `no pod matches in ${scenario}`);
    const ctx = h.ctx();
    const scheduling = podSchedulingResponse.parse(podScheduling(ctx, pod.metadata!.namespace!, pod.metadata!.name!));
    const explain = schedulingExplainResponse.parse(explainScheduling(ctx, pod.metadata!.namespace!, pod.metadata!.name!));
    await body({ pod, scheduling, explain }, h);
  } finally {
    await h.stop();
    await sim.stop();
  }
}

const app = (name: string) => (p: V1Pod) => p.metadata?.labels?.["app"] === name && !p.spec?.nodeName;
const summaryOf = (s: PodSchedulingResponse) =>
  Object.fromEntries((s.failureSummary ?? []).map((e) => [e.category, { count: e.count, nodes: e.nodes }]));

describe("scheduling views on the simulator's scenarios", () => {
  it("pending-insufficient-memory: 12Gi against 8Gi nodes, with the shortfall", () =>
    withScenario("pending-insufficient-memory", app("reporting"), ({ scheduling, explain }) => {
      assert.equal(scheduling.status, "Pending");
      assert.match(scheduling.schedulerVerdict!.message, /^0\/3 nodes are available: 3 Insufficient memory\./);
      assert.deepEqual(summaryOf(scheduling), { InsufficientMemory: { count: 3, nodes: ["worker-1", "worker-2", "worker-3"] } });
      assert.deepEqual(scheduling.failureCategories, ["InsufficientMemory"]);
      assert.equal(scheduling.failureSummary![0]!.description, "Insufficient memory resources available on nodes");
      assert.equal(scheduling.failureSummary![0]!.countSource, "scheduler");
      const node = scheduling.unschedulableNodes!.find((n) => n.nodeName === "worker-1")!;
      assert.deepEqual(node.insufficientResources, ["insufficient memory (requested: 12Gi, free: 8Gi, allocatable: 8Gi)"]);
      assert.deepEqual(node.categories, ["InsufficientMemory"]);
      assert.ok(scheduling.schedulingEvents.length > 0 && scheduling.schedulingEvents.every((e) => e.reason === "FailedScheduling"));

      assert.equal(explain.filteredByResources, 3);
      assert.equal(explain.filteredByTaints + explain.filteredByAffinity + explain.filteredByVolumes, 0);
      assert.deepEqual(explain.feasibleNodes, []);
      assert.deepEqual(explain.podRequests, { cpu: "500m", memory: "12Gi" });
      const mem = explain.nodes[0]!.resources.items.find((i) => i.resource === "memory")!;
      assert.deepEqual(mem, {
        resource: "memory",
        requested: "12Gi",
        allocatable: "8Gi",
        alreadyRequested: "0",
        free: "8Gi",
        fits: false,
        shortfall: "4Gi",
      });
      assert.ok(explain.possibleActions.includes("Reduce pod memory request by at least 4Gi"), explain.possibleActions.join("\n"));
      assert.deepEqual(explain.possibleActions, [...explain.possibleActions].sort());
      assert.match(explain.recommendation, /Insufficient memory.*3 of 3 node\(s\).*Reduce pod memory request by at least 4Gi/);
    }));

  it("pending-untolerated-taint: GPU nodes credited with the taint, workers with the selector, never both", () =>
    withScenario("pending-untolerated-taint", app("trainer"), ({ scheduling, explain }) => {
      assert.deepEqual(summaryOf(scheduling), {
        NodeAffinityNotMatch: { count: 2, nodes: ["worker-1", "worker-2"] },
        TaintTolerationMismatch: { count: 2, nodes: ["gpu-1", "gpu-2"] },
      });
      assert.deepEqual(scheduling.failureCategories, ["NodeAffinityNotMatch", "TaintTolerationMismatch"]);
      const gpu = scheduling.unschedulableNodes!.find((n) => n.nodeName === "gpu-1")!;
      assert.deepEqual(gpu.untoleratedTaints, ["nvidia.com/gpu=present:NoSchedule"]);
      assert.deepEqual(gpu.unmatchedSelectors, []);
      const worker = scheduling.unschedulableNodes!.find((n) => n.nodeName === "worker-1")!;
      assert.deepEqual(worker.untoleratedTaints, []);
      assert.deepEqual(worker.unmatchedSelectors, ["accelerator=nvidia (node has no label accelerator)"]);

      assert.equal(explain.filteredByTaints, 2);
      assert.equal(explain.filteredByAffinity, 2);
      assert.ok(explain.possibleActions.includes("Add tolerations for node taints to the pod spec (nvidia.com/gpu=present:NoSchedule)"));
      // The GPU nodes are the ones the pod selects: tolerating their taint is the fix, not relabelling workers.
      assert.match(explain.recommendation, /Node taints not tolerated by pod: this alone keeps 2 of 4 node\(s\) out\. Add tolerations/);
    }));

  it("node-affinity-no-match: every node fails the required affinity, said with the label it has", () =>
    withScenario("node-affinity-no-match", app("payments-api"), ({ scheduling, explain }) => {
      assert.deepEqual(summaryOf(scheduling), { NodeAffinityNotMatch: { count: 3, nodes: ["worker-1", "worker-2", "worker-3"] } });
      assert.deepEqual(scheduling.unschedulableNodes![0]!.unmatchedAffinity, ["pool In [payments] (node has pool=general)"]);
      assert.equal(explain.filteredByAffinity, 3);
      assert.ok(explain.possibleActions.includes("Label nodes to match the pod's required node affinity, or relax the affinity"));
      assert.match(explain.recommendation, /this alone keeps 3 of 3 node\(s\) out\. Label nodes/);
    }));

  it("too-many-pods-per-node: every pod slot taken, resources otherwise fine", () =>
    withScenario("too-many-pods-per-node", app("checkout"), ({ scheduling, explain }) => {
      assert.deepEqual(summaryOf(scheduling), { TooManyPods: { count: 3, nodes: ["worker-1", "worker-2", "worker-3"] } });
      assert.deepEqual(scheduling.unschedulableNodes![0]!.insufficientResources, ["too many pods (12 of 12 allowed already on the node)"]);
      for (const n of explain.nodes) {
        assert.deepEqual(n.resources.pods, { allocatable: 12, used: 12, fits: false });
        assert.ok(
          n.resources.items.every((i) => i.fits),
          `${n.nodeName}: only the pod slots are short`,
        );
      }
      assert.ok(explain.possibleActions.includes("Scale down other workloads to free pod slots, or add nodes"));
      assert.ok(!explain.possibleActions.some((a) => a.startsWith("Reduce pod")), "lowering requests does not help here");
    }));

  it("pvc-pending-missing-storageclass: the claim's missing class refuses every node, and the fix names it", () =>
    withScenario("pvc-pending-missing-storageclass", app("reports"), ({ scheduling, explain }) => {
      assert.match(scheduling.schedulerVerdict!.message, /pod has unbound immediate PersistentVolumeClaims/);
      assert.deepEqual(summaryOf(scheduling), { PVCUnbound: { count: 3, nodes: ["worker-1", "worker-2", "worker-3"] } });
      assert.deepEqual(scheduling.unschedulableNodes![0]!.volumeIssues, [
        'PVC reports-data is not bound (status: Pending): StorageClass "fast-ssd" not found',
      ]);
      assert.equal(explain.filteredByVolumes, 3);
      assert.ok(explain.possibleActions.includes("Create StorageClass fast-ssd (or recreate PVC reports-data with an existing class)"));
      assert.match(explain.recommendation, /Create StorageClass fast-ssd/);
    }));

  it("healthy: every pod is Scheduled, with why its node fitted and no failure at all", () =>
    withScenario(
      "healthy",
      (p) => p.metadata?.labels?.["app"] === "web",
      ({ pod, scheduling, explain }, h) => {
        assert.equal(scheduling.status, "Scheduled");
        assert.equal(scheduling.nodeName, pod.spec!.nodeName);
        assert.equal(scheduling.failureSummary, undefined);
        assert.equal(scheduling.unschedulableNodes, undefined);
        assert.ok(scheduling.schedulingReasons.includes("Node has no taints"), scheduling.schedulingReasons.join("\n"));
        assert.ok(
          scheduling.schedulingReasons.some((r) =>
            /^Node has sufficient resources \(CPU: 100m requested, .* free of 8; Memory: 128Mi requested, .* free of 32Gi; pods: \d+\/110\)$/.test(
              r,
            ),
          ),
          scheduling.schedulingReasons.join("\n"),
        );
        assert.ok(!scheduling.schedulingReasons.some((r) => r.startsWith("Node no longer satisfies")));
        assert.equal(scheduling.schedulingEvents[0]!.reason, "Scheduled");
        assert.equal(scheduling.schedulingEvents[0]!.source, "default-scheduler");

        assert.deepEqual(explain.feasibleNodes, [pod.spec!.nodeName]);
        assert.equal(explain.nodes.length, 1);
        assert.deepEqual(explain.possibleActions, []);
        assert.match(explain.recommendation, /satisfies every scheduling check/);

        const ctx = h.ctx();
        for (const p of h.cache.store("Pod").list()) {
          const v = podScheduling(ctx, p.metadata!.namespace!, p.metadata!.name!)!;
          if (p.status?.phase === "Succeeded") continue;
          assert.equal(v.status, "Scheduled", `${p.metadata?.namespace}/${p.metadata?.name}`);
          assert.ok(
            !v.schedulingReasons.some((r) => r.startsWith("Node no longer satisfies")),
            `${p.metadata?.name}: ${v.schedulingReasons.join("; ")}`,
          );
        }
      },
    ));

  it("answers undefined for a pod that is not there (the route's 404)", () =>
    withScenario(
      "healthy",
      () => true,
      (_v, h) => {
        assert.equal(podScheduling(h.ctx(), "shop", "no-such-pod"), undefined);
        assert.equal(explainScheduling(h.ctx(), "nowhere", "web"), undefined);
      },
    ));
});

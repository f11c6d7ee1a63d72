// The FailedScheduling parser over messages in kube-scheduler's real wordings: FitError.Error()'s format
// ("0/N nodes are available: <PreFilterMsg>. <histogram>. <PostFilterMsg>.") with reasons from
// pkg/scheduler/framework/plugins/* across versions, the 1.9-1.18 taint wording, the pre-1.9 predicate format
// and cluster-autoscaler's NotTriggerScaleUp.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { categoryOfSchedulerReason, countsByCategory, parseSchedulerMessage } from "../src/views/scheduler-messages.js";

const counts = (message: string) => Object.fromEntries(countsByCategory(parseSchedulerMessage(message)));

describe("parseSchedulerMessage", () => {
  it("reads the current format with an untolerated-taint entry and the preemption part", () => {
    const p = parseSchedulerMessage(
      "0/5 nodes are available: 2 Insufficient cpu, 3 node(s) had untolerated taint {dedicated: gpu}. preemption: 0/5 nodes are available: 5 Preemption is not helpful for scheduling.",
    );
    assert.equal(p.format, "current");
    assert.equal(p.totalNodes, 5);
    assert.deepEqual(p.reasons, [
      { count: 2, reason: "Insufficient cpu", category: "InsufficientCPU" },
      { count: 3, reason: "node(s) had untolerated taint {dedicated: gpu}", category: "TaintTolerationMismatch" },
    ]);
    assert.equal(p.preemption, "0/5 nodes are available: 5 Preemption is not helpful for scheduling.");
  });

  it("reads Too many pods, node affinity/selector and a mixed preemption verdict", () => {
    const message =
      "0/3 nodes are available: 1 Too many pods, 2 node(s) didn't match Pod's node affinity/selector. preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling.";
    assert.deepEqual(counts(message), { TooManyPods: 1, NodeAffinityNotMatch: 2 });
  });

  it("credits a pre-filter message to every node considered", () => {
    const p = parseSchedulerMessage(
      "0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.",
    );
    assert.deepEqual(p.reasons, [{ count: 3, reason: "pod has unbound immediate PersistentVolumeClaims", category: "PVCUnbound" }]);
    assert.deepEqual(
      counts(
        '0/4 nodes are available: persistentvolumeclaim "data" not found. preemption: 0/4 nodes are available: 4 Preemption is not helpful for scheduling.',
      ),
      {
        PVCUnbound: 4,
      },
    );
  });

  it("reads the 1.33+ taint wording and DRA's post-filter prefix", () => {
    const p = parseSchedulerMessage(
      "0/3 nodes are available: 1 node(s) had untolerated taint(s), 2 Insufficient cpu. no new claims to deallocate, preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.",
    );
    assert.deepEqual(Object.fromEntries(countsByCategory(p)), { TaintTolerationMismatch: 1, InsufficientCPU: 2 });
    assert.equal(p.preemption, "0/3 nodes are available: 3 Preemption is not helpful for scheduling.");
  });

  it("reads volume, cordon and host-port reasons without a preemption part (1.19-1.21)", () => {
    assert.deepEqual(
      counts(
        "0/4 nodes are available: 1 node(s) had volume node affinity conflict, 1 node(s) were unschedulable, 2 node(s) didn't have free ports for the requested pod ports.",
      ),
      { VolumeNodeAffinityConflict: 1, NodeUnschedulable: 1, HostPortConflict: 2 },
    );
    assert.deepEqual(counts("0/2 nodes are available: 2 node(s) didn't match PersistentVolume's node affinity."), {
      VolumeNodeAffinityConflict: 2,
    });
    assert.deepEqual(
      counts("0/1 nodes are available: 1 node has pod using PersistentVolumeClaim with the same name and ReadWriteOncePod access mode."),
      {
        VolumeMultiAttachError: 1,
      },
    );
  });

  it("keeps the 1.9-1.18 taint wording, whose reason contains a comma, in one entry", () => {
    const p = parseSchedulerMessage(
      "0/3 nodes are available: 1 node(s) had taint {node-role.kubernetes.io/master: }, that the pod didn't tolerate, 2 Insufficient memory.",
    );
    assert.deepEqual(p.reasons, [
      {
        count: 1,
        reason: "node(s) had taint {node-role.kubernetes.io/master: }, that the pod didn't tolerate",
        category: "TaintTolerationMismatch",
      },
      { count: 2, reason: "Insufficient memory", category: "InsufficientMemory" },
    ]);
  });

  it("tells pod affinity from anti-affinity from node affinity", () => {
    assert.deepEqual(
      counts(
        "0/6 nodes are available: 2 node(s) didn't match pod anti-affinity rules, 1 node(s) didn't satisfy existing pods anti-affinity rules, 3 node(s) didn't match pod affinity rules.",
      ),
      { PodAffinityConflict: 6 },
    );
  });

  it("reads the node lifecycle taints as NotReady / cordon, and extended resources", () => {
    assert.deepEqual(
      counts(
        "0/3 nodes are available: 2 node(s) had untolerated taint {node.kubernetes.io/not-ready: }, 1 node(s) had untolerated taint {node.kubernetes.io/unschedulable: }. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.",
      ),
      { NodeNotReady: 2, NodeUnschedulable: 1 },
    );
    assert.deepEqual(counts("0/2 nodes are available: 2 Insufficient nvidia.com/gpu, 2 Insufficient ephemeral-storage."), {
      InsufficientExtendedResource: 2,
      InsufficientStorage: 2,
    });
  });

  it("reads the pre-1.9 predicate format", () => {
    const p = parseSchedulerMessage(
      "No nodes are available that match all of the following predicates:: Insufficient cpu (2), MatchNodeSelector (1), PodToleratesNodeTaints (1).",
    );
    assert.equal(p.format, "legacy-predicates");
    assert.deepEqual(Object.fromEntries(countsByCategory(p)), { InsufficientCPU: 2, NodeAffinityNotMatch: 1, TaintTolerationMismatch: 1 });
  });

  it("reads no-nodes, NotTriggerScaleUp, and says when it cannot read a message", () => {
    assert.deepEqual(parseSchedulerMessage("no nodes available to schedule pods"), { format: "no-nodes", totalNodes: 0, reasons: [] });
    const a = parseSchedulerMessage(
      "pod didn't trigger scale-up: 1 max node group size reached, 2 node(s) didn't match Pod's node affinity/selector",
    );
    assert.equal(a.format, "autoscaler");
    assert.deepEqual(Object.fromEntries(countsByCategory(a)), { Miscellaneous: 1, NodeAffinityNotMatch: 2 });
    assert.deepEqual(parseSchedulerMessage("binding rejected: running Bind plugin"), { format: "unrecognised", reasons: [] });
  });

  it("categorises the seed's substrings the seed's way", () => {
    assert.equal(categoryOfSchedulerReason("node(s) didn't match node selector"), "NodeAffinityNotMatch");
    assert.equal(categoryOfSchedulerReason("node(s) had taints that the pod didn't tolerate"), "TaintTolerationMismatch");
    assert.equal(categoryOfSchedulerReason("node(s) were not ready"), "NodeNotReady");
    assert.equal(categoryOfSchedulerReason("node(s) didn't match pod topology spread constraints"), "TopologySpreadConstraint");
    assert.equal(categoryOfSchedulerReason("something new"), "Miscellaneous");
  });
});

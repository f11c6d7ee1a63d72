// cordon_node and uncordon_node against the simulator (pdb-blocks-drain: worker-1 already cordoned): the merge
// patch of spec.unschedulable, the scheduler keeping new pods off a cordoned node, running pods left in place, a
// dry run that stores nothing, reverts, and the refusals of a change that would change nothing.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Pod } from "@vigil/kube-sim";
import { waitFor } from "@vigil/testing";
import { ActionRefusal } from "../src/index.js";
import { type ActionHarness, actionHarness } from "./action-harness.js";

const node = (name: string) => ({ kind: "Node", name });
const unschedulable = (h: ActionHarness, name: string) => h.sim.get("Node", name)!.spec?.unschedulable === true;

describe("cordon_node and uncordon_node", () => {
  let h: ActionHarness;
  before(async () => {
    h = await actionHarness({ scenario: "pdb-blocks-drain" });
  });
  after(() => h.stop());

  it("cordon_node: no new pod lands on the node, running pods stay; revert uncordons", async () => {
    const runningOn2 = h.sim
      .list<Pod>("Pod")
      .filter((p) => p.spec.nodeName === "worker-2")
      .map((p) => p.metadata.uid);
    const run = await h.run("cordon_node", node("worker-2"), {});
    assert.equal(run.plan.summary, "cordon node worker-2: no new pods are scheduled on it, running pods stay");
    assert.deepEqual(run.plan.before, { "spec.unschedulable": false });
    assert.deepEqual(run.applied.after, { "spec.unschedulable": true });
    assert.deepEqual(run.plan.consequences.cordonedNodes, ["worker-2"]);
    assert.deepEqual(run.plan.consequences.writes?.[0]?.fields, [["f:spec", "f:unschedulable"]]);
    assert.deepEqual(
      run.log.operations.filter((o) => o.verb === "patch").map((o) => [o.resource, o.patchType, o.dryRun]),
      [["nodes", "merge", false]],
    );
    assert.equal(run.verification?.ok, true, run.verification?.detail);
    assert.ok(unschedulable(h, "worker-2"));

    h.sim.patch("Deployment", "web", { spec: { replicas: 6 } }, { namespace: "finance" });
    await waitFor(async () => {
      await h.sim.advance("2s");
      return h.sim.list<Pod>("Pod", "finance").filter((p) => p.metadata.labels?.app === "web" && p.spec.nodeName).length === 6;
    });
    const web = h.sim.list<Pod>("Pod", "finance").filter((p) => p.metadata.labels?.app === "web");
    assert.ok(
      web.every((p) => p.spec.nodeName === "worker-3"),
      "worker-1 and worker-2 are cordoned: every new pod went to worker-3",
    );
    const stillOn2 = h.sim
      .list<Pod>("Pod")
      .filter((p) => p.spec.nodeName === "worker-2")
      .map((p) => p.metadata.uid);
    assert.deepEqual(stillOn2, runningOn2, "running pods stay");

    assert.deepEqual(await h.revert(run.plan), { "spec.unschedulable": false });
    assert.equal(unschedulable(h, "worker-2"), false);
    assert.equal(h.sim.get("Node", "worker-2")!.spec?.unschedulable, undefined, "the field is removed, as kubectl uncordon leaves it");
  });

  it("cordon_node dry run changes nothing; an already cordoned node is refused", async () => {
    const before = h.sim.get("Node", "worker-3")!.metadata.resourceVersion;
    const run = await h.run("cordon_node", node("worker-3"), {}, { dryRun: true });
    assert.deepEqual(run.applied.after, { "spec.unschedulable": true }, "what it would be");
    assert.equal(run.log.operations.find((o) => o.verb === "patch")?.dryRun, true);
    assert.equal(h.sim.get("Node", "worker-3")!.metadata.resourceVersion, before);
    assert.equal(unschedulable(h, "worker-3"), false);
    await assert.rejects(h.plan("cordon_node", node("worker-1"), {}), (err: unknown) => {
      assert.ok(err instanceof ActionRefusal);
      assert.match(err.message, /node worker-1 is already cordoned \(spec.unschedulable=true\): nothing to change/);
      return true;
    });
  });

  it("uncordon_node: the node takes pods again; revert cordons it back; dry run and refusal", async () => {
    const rv = h.sim.get("Node", "worker-1")!.metadata.resourceVersion;
    const dry = await h.run("uncordon_node", node("worker-1"), {}, { dryRun: true });
    assert.deepEqual(dry.applied.after, { "spec.unschedulable": false });
    assert.equal(h.sim.get("Node", "worker-1")!.metadata.resourceVersion, rv, "dry run stores nothing");

    const run = await h.run("uncordon_node", node("worker-1"), {});
    assert.deepEqual([run.plan.before, run.applied.after], [{ "spec.unschedulable": true }, { "spec.unschedulable": false }]);
    assert.equal(run.plan.consequences.cordonedNodes, undefined, "an uncordon cordons nothing");
    assert.equal(run.verification?.ok, true, run.verification?.detail);
    assert.equal(unschedulable(h, "worker-1"), false);
    h.sim.patch("Deployment", "ledger", { spec: { replicas: 8 } }, { namespace: "finance" });
    await waitFor(
      async () => {
        await h.sim.advance("2s");
        // worker-1 ran one ledger pod while cordoned; new ones now land there too.
        return (
          h.sim.list<Pod>("Pod", "finance").filter((p) => p.metadata.labels?.app === "ledger" && p.spec.nodeName === "worker-1").length > 1
        );
      },
      { message: "new ledger pods land on the uncordoned worker-1" },
    );

    assert.deepEqual(await h.revert(run.plan), { "spec.unschedulable": true });
    assert.ok(unschedulable(h, "worker-1"));
    await assert.rejects(h.plan("uncordon_node", node("worker-3"), {}), (err: unknown) => {
      assert.ok(err instanceof ActionRefusal);
      assert.match(err.message, /node worker-3 is not cordoned \(it already takes new pods\): nothing to uncordon/);
      return true;
    });
  });
});

// The alert timeline: episodes from the webhook's firing/resolved messages, idempotent under redelivery and
// Alertmanager's re-sends, re-fires as new episodes, scoping to an owner through the real ClusterCache (a replaced
// pod still recognised by its generated name), retention and the memory bound.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { AlertHistory } from "../src/alert-history.js";
import { crashLoopAlert, MIN, OWNER, startSignalCluster, T0, type SignalCluster } from "./signal-helpers.js";

const GONE_POD = "payments-api-7f9c8d6b5-zzzzz";

describe("AlertHistory", () => {
  let c: SignalCluster;
  before(async () => {
    c = await startSignalCluster();
  });
  after(() => c.stop());

  it("opens an episode on firing and closes it on resolved; redeliveries and re-sends change nothing", () => {
    const h = new AlertHistory();
    const firing = crashLoopAlert(GONE_POD, { startsAt: T0 });
    assert.equal(h.add(firing), true);
    assert.equal(h.add(firing), false, "redelivery");
    assert.equal(h.add(crashLoopAlert(GONE_POD, { startsAt: T0, receivedAt: T0 + 5 * MIN })), false, "group_interval re-send");
    assert.equal(h.size(), 1);
    const [open] = h.episodes({ fingerprint: firing.fingerprint });
    assert.equal(open!.endsAt, undefined);
    assert.equal(open!.lastSeenAt, T0 + 5 * MIN, "the re-send is remembered as last seen");

    const resolved = crashLoopAlert(GONE_POD, { startsAt: T0, status: "resolved", endsAt: T0 + 10 * MIN });
    assert.equal(h.add(resolved), true);
    assert.equal(h.add(resolved), false, "resolved redelivered");
    assert.equal(h.add(crashLoopAlert(GONE_POD, { startsAt: T0, status: "resolved", endsAt: T0 + 12 * MIN })), false, "first end kept");
    assert.equal(h.add(firing), false, "an old firing redelivered after the resolved does not re-open it");
    assert.deepEqual(
      h.episodes({ alertname: "KubePodCrashLooping", namespace: "shop" }).map((e) => [e.startsAt, e.endsAt]),
      [[T0, T0 + 10 * MIN]],
    );
  });

  it("a firing with a later startsAt is a new episode (a re-fire), and ends the open one before it", () => {
    const h = new AlertHistory();
    h.add(crashLoopAlert(GONE_POD, { startsAt: T0 }));
    assert.equal(h.add(crashLoopAlert(GONE_POD, { startsAt: T0 + 20 * MIN })), true);
    const eps = h.episodes({ fingerprint: crashLoopAlert(GONE_POD, { startsAt: T0 }).fingerprint });
    assert.equal(eps.length, 2);
    assert.deepEqual([eps[0]!.endsAt, eps[0]!.endInferred], [T0 + 20 * MIN, true], "its resolved was lost: ended when the next began");
    assert.equal(eps[1]!.endsAt, undefined);
    // The lost resolved arrives after all: its real end replaces the inferred one.
    assert.equal(h.add(crashLoopAlert(GONE_POD, { startsAt: T0, status: "resolved", endsAt: T0 + 8 * MIN })), true);
    assert.deepEqual([eps[0]!.endsAt, eps[0]!.endInferred], [T0 + 8 * MIN, undefined]);
  });

  it("re-opens an episode that fires again with the same startsAt after its end (resolve_timeout)", () => {
    const h = new AlertHistory();
    h.add(crashLoopAlert(GONE_POD, { startsAt: T0, status: "resolved", endsAt: T0 + 5 * MIN }));
    assert.equal(h.add(crashLoopAlert(GONE_POD, { startsAt: T0, receivedAt: T0 + 9 * MIN })), true);
    assert.equal(h.episodes({})[0]!.endsAt, undefined);
  });

  it("a resolved whose firing was never seen still records the episode", () => {
    const h = new AlertHistory();
    assert.equal(h.add(crashLoopAlert(GONE_POD, { startsAt: T0, status: "resolved", endsAt: T0 + 3 * MIN })), true);
    assert.deepEqual(
      h.episodes({}).map((e) => [e.startsAt, e.endsAt]),
      [[T0, T0 + 3 * MIN]],
    );
  });

  it("forOwner: episodes of the owner's live pods and of a replaced pod (by its generated name), overlapping the range", () => {
    const h = new AlertHistory();
    const live = c.pods()[0]!.metadata!.name!;
    h.add(crashLoopAlert(live, { startsAt: T0 - 30 * MIN }));
    h.add(crashLoopAlert(GONE_POD, { startsAt: T0 - 60 * MIN, status: "resolved", endsAt: T0 - 40 * MIN }));
    h.add(crashLoopAlert("checkout-5d8f7c9b4-abcde", { startsAt: T0 - 30 * MIN }));
    const other = crashLoopAlert("payments-api-7f9c8d6b5-qqqqq", { startsAt: T0 });
    h.add({ ...other, namespace: "billing", target: { kind: "Pod", name: "payments-api-7f9c8d6b5-qqqqq", namespace: "billing" } });

    assert.deepEqual(
      h.forOwner(c.cache, OWNER, T0 - 90 * MIN, T0).map((e) => e.target?.name),
      [GONE_POD, live],
      "another Deployment's pod and a same-named pod of another namespace are not the owner's",
    );
    assert.deepEqual(
      h.forOwner(c.cache, OWNER, T0 - 35 * MIN, T0).map((e) => e.target?.name),
      [live],
      "the replaced pod's episode ended before the range",
    );
    assert.deepEqual(
      h.firingAt(c.cache, OWNER, T0 - 50 * MIN).map((e) => e.target?.name),
      [GONE_POD],
    );
    assert.deepEqual(h.firingAt(c.cache, OWNER, T0 - 40 * MIN), [], "resolved at that instant");
  });

  it("forOwner of a Node: the alerts of the pods bound to it, in any namespace, and of the node itself", () => {
    const h = new AlertHistory();
    const pod = c.pods()[0]!;
    const node = pod.spec!.nodeName!;
    h.add(crashLoopAlert(pod.metadata!.name!, { startsAt: T0 }));
    const nodeAlert = crashLoopAlert("x", { startsAt: T0, alertname: "KubeNodeNotReady" });
    const nodeLabels = { alertname: "KubeNodeNotReady", node };
    const { namespace: _cluster, ...clusterScoped } = nodeAlert;
    h.add({ ...clusterScoped, fingerprint: "node-fp", labels: nodeLabels, target: { kind: "Node", name: node } });
    assert.deepEqual(
      h
        .forOwner(c.cache, { kind: "Node", name: node }, T0, T0)
        .map((e) => e.target?.kind)
        .sort(),
      ["Node", "Pod"],
    );
  });

  it("prune: ended episodes go after the retention, open ones only when not heard of for staleOpenMs", () => {
    const h = new AlertHistory({ retentionMs: 60 * MIN, staleOpenMs: 120 * MIN });
    h.add(crashLoopAlert(GONE_POD, { startsAt: T0, status: "resolved", endsAt: T0 + 10 * MIN }));
    h.add(crashLoopAlert("payments-api-7f9c8d6b5-open1", { startsAt: T0 }));
    h.prune(T0 + 70 * MIN);
    assert.equal(h.size(), 2);
    h.prune(T0 + 71 * MIN);
    assert.deepEqual(
      h.episodes({}).map((e) => e.target?.name),
      ["payments-api-7f9c8d6b5-open1"],
    );
    h.prune(T0 + 121 * MIN);
    assert.equal(h.size(), 0);
    assert.deepEqual(h.episodes({ namespace: "shop" }), [], "indexes emptied too");
  });

  it("bounded: beyond maxEpisodes the earliest-ended go first, open episodes are kept longest", () => {
    const h = new AlertHistory({ maxEpisodes: 10 });
    h.add(crashLoopAlert("payments-api-7f9c8d6b5-open1", { startsAt: T0 }));
    for (let i = 0; i < 20; i++) {
      h.add(
        crashLoopAlert(`payments-api-7f9c8d6b5-r${String(i).padStart(4, "0")}`, { startsAt: T0, status: "resolved", endsAt: T0 + i * MIN }),
      );
    }
    assert.ok(h.size() <= 10, `size ${h.size()}`);
    const names = h.episodes({}).map((e) => e.target?.name);
    assert.ok(names.includes("payments-api-7f9c8d6b5-open1"), "the open episode survives");
    assert.ok(names.includes("payments-api-7f9c8d6b5-r0019"), "the latest-ended survives");
    assert.ok(!names.includes("payments-api-7f9c8d6b5-r0000"), "the earliest-ended went first");
  });
});

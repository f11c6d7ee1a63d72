// rollout_history and the image-pull story: a release to a tag that was never pushed (image-pull-backoff), a
// release that never gets Ready (bad-rollout-readiness), and a DaemonSet's ControllerRevisions (noisy-neighbour).
// container_logs says why there is no log to read instead of failing.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { runTool, toolNamed, type ToolResult } from "../src/index.js";
import { clusterToolHarness, type ClusterToolHarness } from "./cluster-harness.js";

const call = (h: ClusterToolHarness, name: string, input: unknown): Promise<ToolResult> => runTool(toolNamed(name)!, h.ctx, input);

interface History {
  totalRevisions: number;
  revisions: Array<{ revision: number; current: boolean; images: string[]; changeCause?: string; createdAt?: string }>;
}

/** The pod of a namespace running `image` (newest first), by name. */
function podWithImage(h: ClusterToolHarness, namespace: string, image: string): string {
  const pod = h.cache
    .store("Pod")
    .list({ namespace })
    .find((p) => p.spec?.containers[0]?.image === image && !p.metadata?.deletionTimestamp);
  if (!pod?.metadata?.name) throw new Error(`no pod running ${image}`);
  return pod.metadata.name;
}

describe("image-pull-backoff", () => {
  let h: ClusterToolHarness;
  before(async () => {
    h = await clusterToolHarness("image-pull-backoff");
  });
  after(() => h.stop());

  test("rollout_history shows the new revision current and what a rollback restores", async () => {
    const r = await call(h, "rollout_history", { kind: "Deployment", namespace: "shop", name: "catalog" });
    assert.equal(r.ok, true, r.error);
    const history = r.data as History;
    assert.equal(history.totalRevisions, 2);
    assert.deepEqual(
      history.revisions.map((x) => [x.revision, x.current, x.images]),
      [
        [2, true, ["shop/catalog:1.8.0-rc1"]],
        [1, false, ["shop/catalog:1.7.4"]],
      ],
    );
    assert.ok(history.revisions.every((x) => x.createdAt !== undefined));
  });

  test("failure_events and namespace_errors name the image pull", async () => {
    const pod = podWithImage(h, "shop", "shop/catalog:1.8.0-rc1");
    const events = await call(h, "failure_events", { namespace: "shop", name: pod });
    assert.equal(events.ok, true, events.error);
    assert.deepEqual((events.data as { eventCategories: Record<string, number> }).eventCategories, { ImagePull: 4 });
    const ns = await call(h, "namespace_errors", { namespace: "shop" });
    const summary = (ns.data as { summary: Array<{ issueType: string; affectedPods: string[] }> }).summary;
    assert.deepEqual(summary, [{ issueType: "ImagePullError", count: 1, description: "Pods with image pull errors", affectedPods: [pod] }]);
  });

  test("container_logs explains a container that never started, and a previous instance that does not exist", async () => {
    const stuck = podWithImage(h, "shop", "shop/catalog:1.8.0-rc1");
    const current = await call(h, "container_logs", { namespace: "shop", pod: stuck });
    assert.equal(current.ok, true, current.error);
    assert.equal((current.data as { available: boolean; reason: string }).reason, "not-started");
    assert.equal((current.data as { available: boolean }).available, false);

    const healthy = podWithImage(h, "shop", "shop/catalog:1.7.4");
    const previous = await call(h, "container_logs", { namespace: "shop", pod: healthy, previous: true });
    assert.equal(previous.ok, true, previous.error);
    assert.equal((previous.data as { reason: string }).reason, "previous-not-found");
    assert.match((previous.data as { why: string }).why, /has not restarted/);
    const running = await call(h, "container_logs", { namespace: "shop", pod: healthy });
    assert.equal(running.ok, true, running.error);
    assert.equal(typeof (running.data as { log: string }).log, "string");
  });
});

describe("init-container-failing", () => {
  let h: ClusterToolHarness;
  before(async () => {
    h = await clusterToolHarness("init-container-failing");
  });
  after(() => h.stop());

  test("container_logs points from the waiting main container to the init container, whose crashed log has the error", async () => {
    const pod = h.cache
      .store("Pod")
      .list({ namespace: "shop" })
      .find((p) => p.spec?.initContainers?.[0]?.image === "shop/orders-migrate:5.1.0");
    const name = pod?.metadata?.name;
    if (!name) return assert.fail("no pod of the failing release");
    const main = await call(h, "container_logs", { namespace: "shop", pod: name });
    assert.equal(main.ok, true, main.error);
    assert.equal((main.data as { container: string }).container, "orders");
    assert.match((main.data as { why: string }).why, /init containers run first \(db-migrate\)/);

    const init = await call(h, "container_logs", { namespace: "shop", pod: name, container: "db-migrate", previous: true });
    assert.equal(init.ok, true, init.error);
    assert.match((init.data as { log: string }).log, /migration 0042_add_customer_index failed, rolled back\n?$/);
  });
});

describe("bad-rollout-readiness", () => {
  let h: ClusterToolHarness;
  before(async () => {
    h = await clusterToolHarness("bad-rollout-readiness");
  });
  after(() => h.stop());

  test("rollout_history shows the release that does not get Ready, with its ready replicas", async () => {
    const r = await call(h, "rollout_history", { kind: "Deployment", namespace: "shop", name: "storefront" });
    assert.equal(r.ok, true, r.error);
    const [current, previous] = (r.data as { revisions: Array<{ current: boolean; images: string[]; readyReplicas?: number }> }).revisions;
    assert.deepEqual([current?.current, current?.images], [true, ["shop/storefront:2.4.0"]]);
    assert.equal(current?.readyReplicas, 0);
    assert.deepEqual([previous?.current, previous?.images], [false, ["shop/storefront:2.3.0"]]);
    // What the release changed: the image alone, which is why restarting it does not help and rolling back does.
    assert.deepEqual((current as { changes?: string[] } | undefined)?.changes, [
      "container storefront: image shop/storefront:2.3.0 → shop/storefront:2.4.0",
    ]);
    assert.equal((previous as { changes?: string[] } | undefined)?.changes, undefined);
  });
});

describe("noisy-neighbour", () => {
  let h: ClusterToolHarness;
  before(async () => {
    h = await clusterToolHarness("noisy-neighbour");
  });
  after(() => h.stop());

  test("rollout_history reads a DaemonSet's ControllerRevisions", async () => {
    const r = await call(h, "rollout_history", { kind: "DaemonSet", namespace: "logging", name: "log-aggregator" });
    assert.equal(r.ok, true, r.error);
    const history = r.data as History & { revisions: Array<{ controllerRevision?: string }> };
    assert.ok(history.totalRevisions >= 1);
    assert.equal(history.revisions[0]!.current, true);
    assert.match(history.revisions[0]!.controllerRevision ?? "", /^log-aggregator-/);
  });
});

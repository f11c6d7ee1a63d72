// Failure-event classification: the ordered exact-match table (no BackOff / CrashLoopBackOff / ImagePullBackOff
// confusion, message-aware where the kubelet reuses a reason), recurrence formats, and the view against the
// image-pull-backoff and bad-config-crashloop scenarios.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { podFailureEvents } from "@vigil/contracts";
import { KubeSim } from "@vigil/kube-sim";
import { FAILURE_REASONS, classifyFailure, formatDuration, podFailureEventsView, recurrenceRate } from "../src/index.js";
import { analysisContextFor, type AnalysisHarness } from "./analysis-helpers.js";

describe("the failure reason table", () => {
  it("matches reasons exactly and in order, narrowed by the message where the kubelet reuses a reason", () => {
    const cat = (reason: string, message = "") => classifyFailure(reason, message)?.category;
    assert.equal(cat("CrashLoopBackOff"), "ContainerCrash");
    assert.equal(cat("ImagePullBackOff"), "ImagePull");
    assert.equal(cat("BackOff", "Back-off restarting failed container api in pod x"), "ContainerCrash");
    assert.equal(cat("BackOff", 'Back-off pulling image "shop/catalog:1.8.0-rc1"'), "ImagePull");
    assert.equal(cat("Failed", "Error: ImagePullBackOff"), "ImagePull");
    assert.equal(cat("Failed", "Error: couldn't find key password in Secret shop/checkout-db"), "Configuration");
    assert.equal(cat("Killing", "Container inventory failed liveness probe, will be restarted"), "Probe");
    assert.equal(cat("Killing", "Stopping container api"), undefined, "a plain stop is no failure");
    assert.equal(cat("FailedCreatePodSandBox", "failed to setup network for sandbox"), "Network");
    assert.equal(cat("Evicted", "The node was low on resource: memory."), "Resource");
    assert.equal(cat("Preempted"), "Scheduling");
    assert.equal(cat("NodeNotReady", "Node is not ready"), "Node");
    assert.equal(cat("FailedPreStopHook"), "Lifecycle");
    assert.equal(cat("BackOffLimitExceeded"), undefined, "no substring matching");
    assert.equal(cat("Unhealthy", "Readiness probe failed"), "Probe");
    // Every row is reachable: no earlier row of the same reason swallows it.
    for (const [i, row] of FAILURE_REASONS.entries()) {
      const earlier = FAILURE_REASONS.slice(0, i).filter((r) => r.reason === row.reason);
      assert.ok(
        earlier.every((r) => r.message),
        `row ${i} (${row.reason}) is shadowed by an earlier catch-all`,
      );
    }
  });

  it("formats recurrence and durations as the seed does", () => {
    const h = 3_600_000;
    assert.equal(recurrenceRate(10, 0, (85 / 60) * h), "7.1 times per hour");
    assert.equal(recurrenceRate(3, 0, 4.5 * h), "3 times in 4.5 hours");
    assert.equal(recurrenceRate(1, 5, 5), "1 time");
    assert.equal(formatDuration(45_000), "45s");
    assert.equal(formatDuration(12 * 60_000), "12m");
    assert.equal(formatDuration(85 * 60_000), "1h25m");
    assert.equal(formatDuration(3 * h), "3h");
    assert.equal(formatDuration(28 * h), "1d4h");
    assert.equal(formatDuration(48 * h), "2d");
  });
});

describe("failure-events on scenarios", () => {
  it("image-pull-backoff: every failure is ImagePull, none a ContainerCrash", async () => {
    const sim = await KubeSim.start({ scenario: "image-pull-backoff", clock: "virtual" });
    const h = await analysisContextFor(sim);
    try {
      const pod = h.cache
        .store("Pod")
        .list({ namespace: "shop" })
        .find((p) => p.status?.containerStatuses?.some((s) => /ImagePull|ErrImagePull/.test(s.state?.waiting?.reason ?? "")));
      assert.ok(pod, "a pod of the new revision cannot pull its image");
      const view = podFailureEvents.parse(podFailureEventsView(h.ctx(), pod));
      assert.ok(["ImagePullBackOff", "ErrImagePull"].includes(view.podStatus));
      assert.ok(view.failureEvents.length >= 2);
      assert.deepEqual(Object.keys(view.eventCategories), ["ImagePull"]);
      const backOff = view.failureEvents.find((e) => e.reason === "BackOff")!;
      assert.match(backOff.message, /^Back-off pulling image "shop\/catalog:1.8.0-rc1"/);
      assert.equal(backOff.suggestedAction, "Verify image name and registry credentials");
      assert.ok(view.ongoingIssues.length > 0);
    } finally {
      await h.stop();
      await sim.stop();
    }
  });

  describe("bad-config-crashloop", () => {
    let sim: KubeSim;
    let h: AnalysisHarness;
    before(async () => {
      sim = await KubeSim.start({ scenario: "bad-config-crashloop", clock: "virtual" });
      h = await analysisContextFor(sim);
    });
    after(async () => {
      await h.stop();
      await sim.stop();
    });

    it("a crash loop with exit code 1: ContainerCrash, the exit code among the causes, no OOM advice", () => {
      const pod = h.cache
        .store("Pod")
        .list({ namespace: "shop" })
        .find((p) => p.metadata?.labels?.["app"] === "orders")!;
      const view = podFailureEvents.parse(podFailureEventsView(h.ctx(), pod));
      assert.equal(view.podStatus, "CrashLoopBackOff");
      const backOff = view.failureEvents.find((e) => e.reason === "BackOff")!;
      assert.equal(backOff.category, "ContainerCrash");
      assert.ok(
        backOff.possibleCauses.some((c) => /^Container orders exited with code 1\b/.test(c)),
        backOff.possibleCauses.join("; "),
      );
      assert.equal(backOff.suggestedAction, "Check container logs for crash details");
      assert.ok(backOff.possibleCauses.every((c) => !c.includes("OOMKilled")));
    });

    it("the healthy postgres pod of the same scenario has no failure event", () => {
      const pod = h.cache
        .store("Pod")
        .list({ namespace: "shop" })
        .find((p) => p.metadata?.labels?.["app"] === "postgres")!;
      const view = podFailureEventsView(h.ctx(), pod);
      assert.deepEqual(view.failureEvents, []);
      assert.equal(view.criticalEvents, 0);
    });
  });
});

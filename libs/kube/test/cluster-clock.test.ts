// The cluster's clock: a simulator on a virtual clock runs hours ahead of this process after a warm-up, and
// analyses must compare event times with that time, not with Date.now().
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { KubeSim } from "@vigil/kube-sim";
import { ClusterClock } from "../src/index.js";
import { cacheFor, clientFor, namespace, waitFor } from "./helpers.js";

describe("ClusterClock", () => {
  let sim: KubeSim;
  before(async () => {
    sim = await KubeSim.start({ clock: "virtual" });
    sim.load([namespace("shop")]);
  });
  after(() => sim.stop());

  it("follows the API server's Date header: a virtual clock 3 h ahead is 3 h ahead", async () => {
    await sim.advance("3h");
    const client = clientFor(sim);
    await client.list("Namespace");
    const skew = client.clock.now() - sim.clock.now();
    assert.ok(Math.abs(skew) <= 1000, `cluster clock off by ${skew} ms`);
    assert.ok(client.clock.now() - Date.now() > 2.9 * 3600_000, "far ahead of the local clock");
  });

  it("moves with the newest event the cache receives, before any other request tells the time", async () => {
    const cache = cacheFor(sim, { kinds: ["Event", "Node", "Namespace"] });
    cache.start();
    try {
      await cache.waitForSync(5000);
      const before = cache.clock.now();
      await sim.advance("2h");
      // The jump is seen through the watch: the simulator records an event at its new time.
      sim.load([
        {
          apiVersion: "v1",
          kind: "Event",
          metadata: { name: "late.1", namespace: "shop" },
          involvedObject: { kind: "Namespace", name: "shop" },
          reason: "Late",
          message: "after the jump",
          type: "Normal",
          count: 1,
          lastTimestamp: new Date(sim.clock.now()).toISOString(),
        },
      ]);
      await waitFor(() => cache.clock.now() - before > 2 * 3600_000 - 2000, { timeoutMs: 5000 });
    } finally {
      await cache.stop();
    }
  });

  it("takes the middle of the header's second, and a later header that steps back wins over old objects", () => {
    let local = 1_000_000;
    const clock = new ClusterClock({ localNow: () => local });
    clock.observeServerDate(new Date(5_000_000).toUTCString());
    assert.equal(clock.now(), 5_000_500);
    clock.observeObjectTime(9_000_000);
    assert.equal(clock.now(), 9_000_000);
    local += 1000;
    assert.equal(clock.now(), 9_001_000, "an object's time ages at the local rate");
    clock.observeServerDate(new Date(6_000_000).toUTCString());
    assert.equal(clock.now(), 6_000_500, "the server said time went back");
    clock.observeServerDate("not a date");
    assert.equal(clock.now(), 6_000_500);
  });

  it("keeps a local clock that falls inside the header's second: no half-second error on a synchronised host", () => {
    let local = 7_000_250;
    const clock = new ClusterClock({ localNow: () => local });
    clock.observeServerDate(new Date(7_000_000).toUTCString());
    assert.equal(clock.now(), 7_000_250);
    local = 7_001_040; // the answer arrived 40 ms after the server's second ended
    clock.observeServerDate(new Date(7_000_000).toUTCString());
    assert.equal(clock.now(), 7_001_040);
    local = 7_003_000; // 2 s behind the server: the middle of its second
    clock.observeServerDate(new Date(7_005_000).toUTCString());
    assert.equal(clock.now(), 7_005_500);
  });
});

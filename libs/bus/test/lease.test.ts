import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type NatsServerHandle, spawnTracked, startNats, type TrackedProcess, waitFor } from "@vigil/testing";
import type { Bus, Leases } from "../src/index.js";
import { connectBus } from "./fixtures.js";

const worker = new URL("./fixtures/lease-worker.ts", import.meta.url).pathname;

interface WorkerResult {
  ready?: boolean;
  key?: string;
  acquired?: boolean;
  heldBy?: string;
  expiresAt?: string;
  error?: string;
}

function spawnWorker(natsUrl: string, env: Record<string, string>): TrackedProcess {
  return spawnTracked(process.execPath, ["--conditions=@vigil/source", "--import", "tsx", worker], {
    name: `lease-worker-${env.OWNER}`,
    env: { ...process.env, NATS_URL: natsUrl, ...env },
  });
}

/** The worker's `RESULT` lines so far, parsed. */
const results = (proc: TrackedProcess): WorkerResult[] =>
  proc
    .tail(300)
    .split("\n")
    .filter((l) => l.startsWith("RESULT "))
    .map((l) => JSON.parse(l.slice("RESULT ".length)) as WorkerResult);

describe("bus: leases with owner and expiry (nats-server 2.9: expiry in the value)", () => {
  let nats: NatsServerHandle;
  let bus: Bus;
  let leases: Leases;
  const procs: TrackedProcess[] = [];

  before(async () => {
    nats = await startNats();
    bus = await connectBus(nats.url);
    leases = await bus.leases();
  });
  after(async () => {
    for (const p of procs) await p.stop("SIGKILL");
    await bus?.drain(2000);
    await nats?.stop();
  });

  it("gives a key to exactly one of two processes racing for it, round after round", async () => {
    const control = "test.lease.race";
    const a = spawnWorker(nats.url, { OWNER: "proc-a", MODE: "race", CONTROL_SUBJECT: control });
    const b = spawnWorker(nats.url, { OWNER: "proc-b", MODE: "race", CONTROL_SUBJECT: control });
    procs.push(a, b);
    for (const p of [a, b]) await p.raceExit(p.waitForLine(/RESULT \{"ready":true\}/, 30_000), "worker ready");

    const rounds = 15;
    const winners: string[] = [];
    for (let round = 0; round < rounds; round++) {
      const key = `race.round-${round}`;
      bus.nc.publish(control, key); // both receive it at the same moment and acquire at once
      const outcomes = await waitFor(
        () => {
          const both = [a, b].map((p) => results(p).find((r) => r.key === key));
          return both.every(Boolean) ? (both as WorkerResult[]) : undefined;
        },
        { timeoutMs: 10_000, message: `both answered round ${round}` },
      );
      assert.deepEqual(
        outcomes.map((o) => o.error),
        [undefined, undefined],
      );
      assert.equal(outcomes.filter((o) => o.acquired).length, 1, `round ${round}: exactly one wins (${JSON.stringify(outcomes)})`);
      const loser = outcomes.find((o) => !o.acquired)!;
      const winner = outcomes[0]!.acquired ? "proc-a" : "proc-b";
      assert.equal(loser.heldBy, winner, "the loser is told who holds it");
      assert.equal((await leases.holder(key))?.owner, winner);
      winners.push(winner);
    }
    assert.equal(winners.length, rounds);
  });

  it("lets another take the key once a SIGKILLed holder's lease expires, and not before", async () => {
    const ttlMs = 1500;
    const holder = spawnWorker(nats.url, { OWNER: "proc-holder", MODE: "hold", KEY: "crash.target", TTL_MS: String(ttlMs) });
    procs.push(holder);
    await holder.raceExit(holder.waitForLine(/RESULT \{"acquired":true/, 30_000), "holder acquired");
    const first = (await leases.holder("crash.target"))!;
    assert.equal(first.owner, "proc-holder");
    // Auto-renewal pushes the expiry forward while the holder lives.
    const renewed = await waitFor(
      async () => {
        const h = await leases.holder("crash.target");
        return h && h.expiresAt > first.expiresAt ? h : undefined;
      },
      { timeoutMs: 5000, message: "renewed by the holder" },
    );
    const refused = await leases.acquire("crash.target", { ttlMs: 5000, owner: "test" });
    assert.equal(refused.acquired, false);
    assert.equal(!refused.acquired && refused.heldBy.owner, "proc-holder");

    await holder.stop("SIGKILL");
    const lastExpiry = (await leases.holder("crash.target"))?.expiresAt ?? renewed.expiresAt;
    const taken = await waitFor(
      async () => {
        const r = await leases.acquire("crash.target", { ttlMs: 5000, owner: "test" });
        return r.acquired ? { lease: r.lease, at: Date.now() } : undefined;
      },
      { timeoutMs: ttlMs * 4, intervalMs: 50, message: "taken after the crashed holder's expiry" },
    );
    assert.ok(taken.at >= lastExpiry.getTime(), `not before the expiry (${taken.at - lastExpiry.getTime()} ms after)`);
    assert.equal(taken.lease.owner, "test");
    assert.equal(await taken.lease.release(), true);
  });

  it("does not let a holder whose lease expired and was re-taken renew or release the new holder's lease", async () => {
    const a = await leases.acquire("stale.target", { ttlMs: 300, owner: "a" });
    assert.ok(a.acquired);
    await waitFor(() => !a.lease.isHeld, { message: "a's lease expires" });
    const b = await leases.acquire("stale.target", { ttlMs: 10_000, owner: "b" });
    assert.ok(b.acquired, "b takes the expired lease");

    assert.equal(await a.lease.renew(), false, "a cannot renew");
    assert.ok(a.lease.lost.aborted, "a is told its lease is lost");
    assert.equal(await a.lease.release(), false, "a cannot release");
    assert.equal((await leases.holder("stale.target"))?.owner, "b", "b still holds it");

    assert.equal(await b.lease.renew(), true);
    assert.equal(await b.lease.release(), true);
    assert.equal(await leases.holder("stale.target"), undefined, "free after b's release");
    const c = await leases.acquire("stale.target", { ttlMs: 1000, owner: "c" });
    assert.ok(c.acquired, "a released key can be taken again");
    await c.lease.release();
  });
});

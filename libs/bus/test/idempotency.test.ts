import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { kvBuckets, streams, topics } from "@vigil/contracts";
import { makeAlert, makeTempDir, type NatsServerHandle, spawnTracked, startNats, type TempDir, waitFor } from "@vigil/testing";
import { type Bus, RetryableError } from "../src/index.js";
import { connectBus } from "./fixtures.js";

const worker = new URL("./fixtures/once-worker.ts", import.meta.url).pathname;

describe("bus: side effects once per message id (ctx.once)", () => {
  let nats: NatsServerHandle;
  let bus: Bus;
  let dir: TempDir;

  before(async () => {
    nats = await startNats();
    bus = await connectBus(nats.url);
    await bus.provision([streams.alerts, streams.deadLetters]);
    dir = await makeTempDir("once");
  });
  after(async () => {
    await bus?.drain(2000);
    await nats?.stop();
    await dir?.remove();
  });

  it("takes the effect once when a handler fails after it and the message is redelivered", async () => {
    const alert = makeAlert(700);
    const effects: string[] = [];
    const results: unknown[] = [];
    const runner = await bus.consume({
      topic: topics.alerts,
      durable: "t-once",
      retryBaseMs: 50,
      handler: async (m, ctx) => {
        const result = await ctx.once(async () => {
          effects.push(m.id);
          return { executionId: `exec-for-${m.id}`, at: ctx.deliveryCount };
        });
        results.push(result);
        if (ctx.deliveryCount === 1) throw new Error("failed after the effect (e.g. the publish of the outcome)");
      },
    });
    await bus.publish(topics.alerts, alert);
    await waitFor(() => results.length === 2, { message: "delivered twice" });
    assert.deepEqual(effects, [alert.id], "the effect ran once");
    assert.deepEqual(
      results,
      [
        { executionId: `exec-for-${alert.id}`, at: 1 },
        { executionId: `exec-for-${alert.id}`, at: 1 },
      ],
      "the second delivery gets the first result",
    );
    const markers = await bus.kv(kvBuckets.processed);
    const marker = await markers.get(markers.key("t-once", alert.id));
    assert.equal(marker?.value.messageId, alert.id);
    assert.deepEqual(marker?.value.result, { executionId: `exec-for-${alert.id}`, at: 1 });
    await runner.stop();
  });

  it("takes the effect once when the consumer process dies after it and a new process gets the redelivery", async () => {
    const out = join(dir.path, "effects.log");
    const lines = () => (existsSync(out) ? readFileSync(out, "utf8").trim().split("\n") : []);
    const alert = makeAlert(710);
    await bus.publish(topics.alerts, alert);
    const spawnWorker = (crash: boolean) =>
      spawnTracked(process.execPath, ["--conditions=@vigil/source", "--import", "tsx", worker], {
        name: "once-worker",
        env: { ...process.env, NATS_URL: nats.url, OUT_FILE: out, ONLY_ID: alert.id, CRASH_AFTER_EFFECT: crash ? "1" : "0" },
      });

    const first = spawnWorker(true);
    const exit = await first.exited;
    assert.equal(exit.signal, "SIGKILL", `the first process crashed after the effect\n${first.tail(20)}`);
    const second = spawnWorker(false);
    await waitFor(() => lines().some((l) => l.startsWith(`result ${alert.id}`) && l.includes(` ${second.pid} `)), {
      timeoutMs: 30_000,
      message: `redelivered to the new process\n${second.tail(20)}`,
    });
    await second.stop("SIGTERM", 5000);

    const effects = lines().filter((l) => l.startsWith("effect "));
    assert.deepEqual(effects, [`effect ${alert.id} ${first.pid}`], "one effect, by the first process");
    const secondResult = lines().find((l) => l.startsWith("result ") && l.includes(` ${second.pid} `))!;
    assert.match(secondResult, new RegExp(`\\{"effectPid":${first.pid}\\}`), "the new process gets the stored result");
  });

  it("makes a concurrent delivery back off while the effect runs elsewhere, then hands it the result", async () => {
    const replica = await connectBus(nats.url);
    const [mine, theirs] = [await bus.idempotency(), await replica.idempotency()];
    const scope = { consumer: "t-once-concurrent", messageId: "msg-1" };
    let release!: () => void;
    const running = new Promise<void>((r) => (release = r));
    let effects = 0;
    const first = mine.once(scope, async () => {
      effects++;
      await running;
      return "done";
    });
    await waitFor(() => effects === 1);
    await assert.rejects(
      theirs.once(scope, async () => ++effects),
      (err: Error) => {
        assert.ok(err instanceof RetryableError, `${err.name}: ${err.message}`);
        assert.match(err.message, /running elsewhere/);
        assert.ok(err.retryAfterMs !== undefined && err.retryAfterMs > 0 && err.retryAfterMs <= 5000);
        return true;
      },
    );
    release();
    assert.equal(await first, "done");
    assert.equal(await theirs.once(scope, async () => ++effects), "done");
    assert.equal(effects, 1);
    assert.equal(
      await mine.once({ ...scope, key: "second-effect" }, async () => "other"),
      "other",
      "a key tells effects of one message apart",
    );
    await replica.drain(2000);
  });
});

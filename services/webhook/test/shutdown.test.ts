import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type NatsServerHandle, freePort, spawnTracked, startNats, waitFor } from "@vigil/testing";
import { amPayload, crashLoopAlerts, natsClient, postJson, storedAlerts } from "./helpers.js";

const main = new URL("../src/main.ts", import.meta.url).pathname;

describe("webhook process: SIGTERM", () => {
  let nats: NatsServerHandle;
  before(async () => {
    nats = await startNats();
  });
  after(async () => {
    await nats?.stop();
  });

  it("answers every request it accepted, stores every alert it acknowledged, and exits 0", async () => {
    const port = await freePort();
    const proc = spawnTracked(process.execPath, ["--conditions=@vigil/source", "--import", "tsx", main], {
      name: "webhook",
      env: { ...process.env, NATS_URL: nats.url, PORT: String(port), HOST: "127.0.0.1", LOG_LEVEL: "info", SHUTDOWN_TIMEOUT_MS: "10000" },
    });
    const url = `http://127.0.0.1:${port}`;
    await waitFor(async () => (await fetch(`${url}/readyz`)).status === 200, {
      timeoutMs: 20_000,
      message: `webhook ready\n${proc.tail(20)}`,
    });

    // Ten clients keep posting distinct 5-alert notifications while the process is told to stop.
    const acknowledged = new Set<string>();
    const statuses: number[] = [];
    let refused = 0;
    let stop = false;
    let n = 0;
    const client = async () => {
      while (!stop) {
        const alerts = crashLoopAlerts(5, `drain-${n++}`);
        try {
          const res = await postJson(`${url}/alerts`, amPayload(alerts));
          statuses.push(res.status);
          await res.arrayBuffer();
          if (res.status === 200) for (const a of alerts) acknowledged.add(`${a.labels.pod}:${a.status}`);
        } catch {
          refused++; // connection refused/closed: never accepted, Alertmanager would retry
          await new Promise((r) => setTimeout(r, 20)); // the load generator's retry pause, not a wait on the test's condition
        }
      }
    };
    const clients = Array.from({ length: 10 }, client);
    await waitFor(() => acknowledged.size >= 100, { timeoutMs: 10_000 });
    const exited = proc.stop("SIGTERM", 15_000);
    const exit = await exited;
    stop = true;
    await Promise.all(clients);

    assert.equal(exit.code, 0, `clean exit\n${proc.tail(20)}`);
    assert.deepEqual(
      statuses.filter((s) => s !== 200),
      [],
      "no accepted request failed",
    );
    assert.ok(refused > 0, "requests after SIGTERM were refused, not half-processed");
    const { nc, jsm } = await natsClient(nats.url);
    const stored = new Set((await storedAlerts(jsm)).map((s) => `${s.message.labels.pod}:${s.message.status}`));
    for (const key of acknowledged) assert.ok(stored.has(key), `${key} acknowledged and stored`);
    await nc.close();
  });
});

// The JetStream-backed lookups against a real NATS: incidents and effectiveness read from KV, diagnoses and
// action history read back from their streams (the newest diagnosis per incident, executions joined with their
// assessments whichever arrives first, by target, owner and alertname, newest first), the same answers from a
// new startBusLookups after a restart, and the in-memory history bounded.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { Bus } from "@vigil/bus";
import { type ExecutionMessage, topics } from "@vigil/contracts";
import { execution } from "@vigil/contracts/testing";
import { type NatsServerHandle, startNats, waitFor } from "@vigil/testing";
import pino from "pino";
import { ActionMemory, type BusLookups, startBusLookups } from "../src/index.js";
import { aggregates, incidentId, newerDiagnosis, owner, pod, provisionPipeline, publishHistory } from "./vigil-fixtures.js";

const log = pino({ level: "silent" });
const HOUR = 60 * 60_000;

async function readyLookups(bus: Bus): Promise<BusLookups> {
  const lookups = await startBusLookups({ bus, log, windowMs: HOUR });
  await waitFor(() => lookups.ready() === true, { message: "lookups ready" });
  return lookups;
}

const ids = (records: ReadonlyArray<{ execution: ExecutionMessage }>) => records.map((r) => r.execution.executionId);

/** What every lookup answers for the published history: asserted on a fresh start and after a restart alike. */
async function assertHistory(lookups: BusLookups): Promise<void> {
  const incident = await lookups.incidents.get(incidentId);
  assert.equal(incident?.owner.name, "cart");
  assert.equal(incident?.alerts[0]?.alertname, "KubePodCrashLooping");
  assert.equal(await lookups.incidents.get("inc_unknown"), undefined);

  assert.equal(lookups.diagnoses.latest(incidentId)?.id, newerDiagnosis.id, "the newer diagnosis, though published first");
  assert.equal(lookups.diagnoses.latest("inc_unknown"), undefined);

  // The Deployment finds actions on itself and on its pods; the pod only its own.
  assert.deepEqual(ids(lookups.actions.forResource(owner)), ["exec_3", "exec_2", "exec_1"]);
  assert.deepEqual(ids(lookups.actions.forResource(pod)), ["exec_3"]);
  assert.deepEqual(ids(lookups.actions.forResource(owner, 2)), ["exec_3", "exec_2"]);
  assert.deepEqual(ids(lookups.actions.forAlertname("KubePodCrashLooping")), ["exec_4", "exec_2", "exec_1"]);
  assert.deepEqual(lookups.actions.forResource({ kind: "Deployment", name: "nothing", namespace: "shop" }), []);

  const [restart, rejected, oom] = lookups.actions.forResource(owner);
  assert.equal(oom?.execution.status, "succeeded", "the final status, not pending_approval");
  assert.equal(oom?.assessment?.outcome, "effective");
  assert.equal(restart?.assessment?.outcome, "ineffective", "joined although the assessment came first");
  assert.equal(rejected?.assessment, undefined);

  assert.deepEqual(await lookups.effectiveness.get("owner", "Deployment/shop/cart", "restart_pod"), aggregates.ownerRestart);
  assert.deepEqual(await lookups.effectiveness.get("alertname", "KubePodCrashLooping", "increase_resources"), aggregates.alertIncrease);
  assert.equal(await lookups.effectiveness.get("alertname", "KubePodCrashLooping", "restart_pod"), undefined);
}

describe("lookups: startBusLookups on JetStream", () => {
  let nats: NatsServerHandle;
  let bus: Bus;

  before(async () => {
    nats = await startNats();
    bus = await Bus.connect({ servers: nats.url, name: "lookups-test", log });
    await provisionPipeline(bus);
  });
  after(async () => {
    await bus?.drain(2000);
    await nats?.stop();
  });

  test("follows what is published after it started: the newest diagnosis, executions joined with assessments, KV values", async () => {
    const lookups = await readyLookups(bus);
    try {
      assert.equal(lookups.diagnoses.latest(incidentId), undefined);
      await publishHistory(bus);
      await waitFor(
        () =>
          lookups.diagnoses.latest(incidentId) &&
          lookups.actions.forAlertname("KubePodCrashLooping").length === 3 &&
          lookups.actions.forResource(owner).filter((r) => r.assessment).length === 2,
        { message: "diagnoses, executions and assessments followed live" },
      );
      await assertHistory(lookups);
    } finally {
      await lookups.stop();
    }
  });

  test("a new startBusLookups (a restarted investigator) reads the window back", async () => {
    const lookups = await readyLookups(bus);
    try {
      await assertHistory(lookups);
    } finally {
      await lookups.stop();
    }
  });

  test("a window that ends before the history was stored reads none of it", async () => {
    // 1 ms back: everything above was stored earlier, so nothing is read; KV lookups do not depend on the window.
    const lookups = await startBusLookups({ bus, log, windowMs: 1 });
    try {
      await waitFor(() => lookups.ready() === true, { message: "lookups ready" });
      assert.equal(lookups.diagnoses.latest(incidentId), undefined);
      assert.deepEqual(lookups.actions.forResource(owner), []);
      assert.equal((await lookups.incidents.get(incidentId))?.incidentId, incidentId);
    } finally {
      await lookups.stop();
    }
  });

  test("ready() says what is still loading until the feeds caught up", async () => {
    const lookups = await startBusLookups({ bus, log, windowMs: HOUR });
    const first = lookups.ready();
    await lookups.stop();
    // Reading the window takes at least one round trip to NATS, so right after the start it is not done.
    assert.match(String(first), /still reading (diagnoses|action history)/);
  });
});

describe("lookups: ActionMemory bounds", () => {
  const exec = (n: number): ExecutionMessage => ({
    ...execution,
    id: `exec_b${n}:succeeded`,
    executionId: `exec_b${n}`,
    alertname: `Alert${n}`,
    startedAt: new Date(Date.parse(execution.startedAt) + n * 60_000).toISOString(),
    finishedAt: new Date(Date.parse(execution.finishedAt) + n * 60_000).toISOString(),
  });

  test("forgets the least recently updated execution beyond its bound, from every index", () => {
    const memory = new ActionMemory(2);
    for (const n of [1, 2, 3]) memory.rememberExecution(topics.actionsExecuted.schema.parse(exec(n)));
    assert.deepEqual(ids(memory.forResource(owner)), ["exec_b3", "exec_b2"]);
    assert.deepEqual(memory.forAlertname("Alert1"), []);
    assert.deepEqual(ids(memory.forAlertname("Alert2")), ["exec_b2"]);
  });

  test("an older status of a known execution does not replace the newer one", () => {
    const memory = new ActionMemory();
    memory.rememberExecution(exec(1));
    memory.rememberExecution({ ...exec(1), id: "exec_b1:older", reason: "older", finishedAt: execution.startedAt });
    assert.equal(memory.forResource(owner)[0]?.execution.id, "exec_b1:succeeded");
  });
});

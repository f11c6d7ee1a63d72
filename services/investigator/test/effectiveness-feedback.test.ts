// The aggregates change the next decision, across the services: the executor and the effectiveness service run as
// processes of their own next to the investigator, on one simulated cluster (bad-config-crashloop: a container that
// exits on a missing setting), one NATS and one PostgreSQL. The investigator's first answer to the crash loop is
// restart_pod; after two restart_pod actions on the owner have been executed and assessed as not working, the
// same diagnosis gets something else (collect diagnostics and escalate), citing the assessed history, and the
// executor refuses a third restart as an ineffective loop, citing the two scores. Nothing is shared but JetStream
// (the KV aggregates) and PostgreSQL (the scores on the action history).
import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { nameOf, waiting } from "@vigil/acceptance";
import { assessmentMessage, kvBuckets, resourceKey, streams, subjects, topics } from "@vigil/contracts";
import { actionProposal } from "@vigil/contracts/testing";
import type { Pod } from "@vigil/kube-sim";
import {
  freshDatabase,
  makeTempDir,
  type NatsServerHandle,
  type PostgresHandle,
  readStream,
  startNats,
  startServiceProcess,
  type TempDir,
  type TrackedProcess,
} from "@vigil/testing";
import { diagnoseScenario, type Harness, proposalOf, startHarness, waitFor } from "./harness.js";

const main = (service: string) => new URL(`../../${service}/src/main.ts`, import.meta.url).pathname;
const orders = { kind: "Deployment", name: "orders", namespace: "shop" };
const POLICY = `
rules:
  - { id: everything, effect: allow, actions: ["*"], namespaces: ["*"] }
limits: { maxLivePerHour: 1000, maxPerIncident: 100, maxConcurrent: 10 }
cooldowns: { default: 1s }
oscillation: { maxRepeats: 2 }
confidence: { low: 0.5 }
`;

describe("effectiveness feeds back into the investigator's next decision", () => {
  let nats: NatsServerHandle;
  let h: Harness;
  let db: PostgresHandle;
  let dir: TempDir;
  const procs: TrackedProcess[] = [];
  let executorUrl = "";

  const spawnService = async (service: string, env: Record<string, string>): Promise<string> => {
    const { proc, url } = await startServiceProcess({
      name: service,
      main: main(service),
      env: { NATS_URL: nats.url, DATABASE_URL: db.url, ...env },
    });
    procs.push(proc);
    return url;
  };

  before(async () => {
    nats = await startNats();
    h = await startHarness(nats.url, { scenario: "bad-config-crashloop" });
    db = await freshDatabase();
    dir = await makeTempDir("feedback-loop");
    const policy = join(dir.path, "policy.yaml");
    await writeFile(policy, POLICY);
    // The investigator's harness put the simulator's kubeconfig in KUBECONFIG: the children inherit it.
    executorUrl = await spawnService("executor", { EXECUTOR_MODE: "live", EXECUTOR_POLICY_FILE: policy });
    await spawnService("effectiveness", { EXECUTOR_POLICY_FILE: policy, EFFECTIVENESS_DUE_RECHECK: "200ms" });
  });
  after(async () => {
    for (const p of procs) await p.stop("SIGTERM").catch(() => undefined);
    await h?.stop();
    await db?.stop();
    await dir?.remove();
    await nats?.stop();
  });

  const crashingPod = (): Pod =>
    h.sim
      .list<Pod>("Pod", "shop")
      .find((p) => nameOf(p).startsWith("orders-") && !p.metadata.deletionTimestamp && waiting("CrashLoopBackOff")(p))!;

  /** Executes and assesses one action proposal, the way the investigator publishes it; returns its score. */
  async function executedAndAssessed(proposalId: string): Promise<number | null> {
    const row = await waitFor(
      async () => {
        const body = (await (await fetch(`${executorUrl}/api/v1/actions?limit=500`)).json()) as { data: { items: any[] } };
        const items = body.data.items;
        return items.find((r) => r.proposalId === proposalId && r.status === "succeeded");
      },
      { timeoutMs: 30_000, message: `a succeeded execution of ${proposalId}` },
    );
    await h.sim.advance("6m");
    const a = await waitFor(
      async () =>
        (
          await readStream(h.jsm, streams.effectiveness.name, {
            subject: subjects.effectivenessAssessed,
            parse: (j) => assessmentMessage.parse(j),
          })
        ).find((m) => m.message.executionId === row.executionId)?.message,
      { timeoutMs: 30_000, message: `assessment of ${row.executionId}` },
    );
    return a.score;
  }

  test("two low-scoring restart_pod actions: the same diagnosis no longer gets restart_pod", async () => {
    await waitFor(() => crashingPod() !== undefined, { timeoutMs: 10_000, message: "a crash-looping orders pod" });
    const first = await diagnoseScenario("bad-config-crashloop", "feedback-1", h.sim);
    await h.bus.publish(topics.diagnoses, first);
    const p1 = await proposalOf(h.jsm, first);
    assert.equal(p1.kind, "action");
    assert.equal(p1.kind === "action" && p1.action, "restart_pod", "with no history, the rule restarts the pod once");
    const s1 = await executedAndAssessed(p1.id);
    assert.ok(s1 !== null && s1 < 0.5, `the restart did not help (score ${s1})`);

    // A second restart, as another source (an LLM, a human) might propose it: it does not help either.
    const pod = crashingPod();
    const p2 = {
      ...actionProposal(`feedback-2-${Date.now().toString(36)}`, "restart_pod", { kind: "Pod", name: nameOf(pod), namespace: "shop" }, {}),
      alertname: first.alertname,
      owner: orders,
    };
    await h.bus.js.publish(subjects.actionsProposed, JSON.stringify(p2), { msgID: p2.id });
    const s2 = await executedAndAssessed(p2.id);
    assert.ok(s2 !== null && s2 < 0.5, `the second restart did not help either (score ${s2})`);

    const kv = await h.bus.kv(kvBuckets.effectiveness);
    const byOwner = (await kv.get(kvBuckets.effectiveness.key("owner", resourceKey(orders), "restart_pod")))?.value;
    assert.equal(byOwner?.scored, 2, JSON.stringify(byOwner));

    const again = await diagnoseScenario("bad-config-crashloop", "feedback-3", h.sim);
    await h.bus.publish(topics.diagnoses, again);
    const p3 = await proposalOf(h.jsm, again);
    assert.ok(!(p3.kind === "action" && p3.action === "restart_pod"), `proposed ${JSON.stringify(p3)}`);
    assert.match(JSON.stringify(p3), /restart_pod (was already tried|did not help)/);

    // Whoever proposes a third restart anyway, the executor reads the two scores back from PostgreSQL and refuses.
    const p4 = {
      ...actionProposal(
        `feedback-4-${Date.now().toString(36)}`,
        "restart_pod",
        { kind: "Pod", name: nameOf(crashingPod()), namespace: "shop" },
        {},
      ),
      alertname: first.alertname,
      owner: orders,
    };
    await h.bus.js.publish(subjects.actionsProposed, JSON.stringify(p4), { msgID: p4.id });
    const refused = await waitFor(
      async () => {
        const body = (await (await fetch(`${executorUrl}/api/v1/actions?limit=500`)).json()) as { data: { items: any[] } };
        return body.data.items.find((r) => r.proposalId === p4.id && r.status === "rejected");
      },
      { timeoutMs: 30_000, message: "the third restart refused" },
    );
    assert.ok(
      refused.policy.matched.some((m: any) => m.ruleId === "oscillation.ineffective-loop"),
      JSON.stringify(refused.policy.matched),
    );
    assert.match(refused.reason, new RegExp(`scores: ${s1.toFixed(2)}, ${s2.toFixed(2)}|scores: ${s2.toFixed(2)}, ${s1.toFixed(2)}`));
  });
});

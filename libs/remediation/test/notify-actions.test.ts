// notify_only and escalate through the executor's path (plan, dry run or live apply) with real sinks on local
// HTTP receivers: a live run reaches them and records each delivery, a dry run sends nothing and names the
// sinks it would reach, no sink accepting it is a failure, and missing or unknown sinks are refused.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import pino from "pino";
import {
  ActionFailure,
  ActionRefusal,
  createNotifier,
  type Notification,
  type NotificationDelivery,
  validateSinkConfigs,
} from "../src/index.js";
import { type ActionHarness, actionHarness, testExecution } from "./action-harness.js";
import { type Recorder, startRecorder } from "./notify-recorder.js";

const log = pino({ level: "silent" });
const target = { kind: "Deployment", name: "cart", namespace: "shop" };

describe("notify_only and escalate", () => {
  let h: ActionHarness;
  let slack: Recorder;
  let hook: Recorder;
  let broken: Recorder;
  let notifier: ReturnType<typeof createNotifier>;
  before(async () => {
    h = await actionHarness();
    slack = await startRecorder();
    hook = await startRecorder(() => ({ status: 202 }));
    broken = await startRecorder(() => ({ status: 403, body: "invalid_token" }));
    notifier = createNotifier(
      validateSinkConfigs([
        { name: "chat", type: "slack", url: slack.url },
        { name: "pager", type: "webhook", url: hook.url },
      ]),
      { log },
    );
  });
  after(async () => {
    await Promise.all([slack.close(), hook.close(), broken.close()]);
    await h.stop();
  });

  it("notify_only live: every sink gets the message, each delivery is recorded, the cluster is not touched", async () => {
    const run = await h.run("notify_only", target, { message: "cart is crash looping; no safe automatic fix" }, { env: { notifier } });
    assert.equal(run.plan.consequences.readOnly, true);
    assert.equal(run.plan.subject, undefined);
    const deliveries = run.applied.details?.["deliveries"] as NotificationDelivery[];
    assert.deepEqual(
      deliveries.map((d) => [d.sink, d.delivered]),
      [
        ["chat", true],
        ["pager", true],
      ],
    );
    assert.equal(run.log.operations.length, 0, "no Kubernetes call");
    const body = hook.requests.at(-1)!.body as Notification;
    assert.equal(body.kind, "notify");
    assert.equal(body.text, "cart is crash looping; no safe automatic fix");
    assert.equal(body.executionId, testExecution.executionId);
    assert.deepEqual(body.target, target);
    assert.match((slack.requests.at(-1)!.body as { text: string }).text, /cart is crash looping/);
  });

  it("notify_only to named sinks only", async () => {
    const before = slack.requests.length;
    const run = await h.run("notify_only", target, { message: "FYI", sinks: ["pager"] }, { env: { notifier } });
    assert.deepEqual(
      (run.applied.details?.["deliveries"] as NotificationDelivery[]).map((d) => d.sink),
      ["pager"],
    );
    assert.equal(slack.requests.length, before);
  });

  it("dry run sends nothing and says which sinks would get it", async () => {
    const counts = [slack.requests.length, hook.requests.length];
    const run = await h.run(
      "escalate",
      target,
      { reason: "restart_pod did not help twice in an hour" },
      { env: { notifier }, dryRun: true },
    );
    assert.deepEqual(run.applied.details?.["wouldNotify"], ["chat", "pager"]);
    assert.deepEqual([slack.requests.length, hook.requests.length], counts);
  });

  it("escalate live: the title, urgency and text carry the reason, incident, alert, target, reasoning and confidence", async () => {
    const run = await h.run(
      "escalate",
      target,
      { reason: "restart_pod did not help twice in an hour", urgency: "low" },
      { env: { notifier } },
    );
    assert.equal(run.plan.consequences.readOnly, true);
    assert.equal((run.applied.details?.["deliveries"] as NotificationDelivery[]).filter((d) => d.delivered).length, 2);
    const body = hook.requests.at(-1)!.body as Notification;
    assert.equal(body.kind, "escalate");
    assert.equal(body.urgency, "low");
    assert.equal(body.title, "Escalation: KubePodCrashLooping on Deployment/shop/cart");
    for (const part of [
      "restart_pod did not help twice in an hour",
      "Incident: inc_test",
      "Alert: KubePodCrashLooping",
      "Target: Deployment/shop/cart",
      "Reasoning: test",
      "Confidence: 0.90",
    ])
      assert.ok(body.text.includes(part), `text lacks ${part}: ${body.text}`);
    const defaulted = await h.run("escalate", target, { reason: "x" }, { env: { notifier } });
    assert.equal((defaulted.applied.details?.["notification"] as Notification).urgency, "high");
  });

  it("fails, with the deliveries, when no sink accepts it", async () => {
    const failing = createNotifier(validateSinkConfigs([{ name: "chat", type: "slack", url: broken.url }]), { log });
    await assert.rejects(h.run("escalate", target, { reason: "x" }, { env: { notifier: failing } }), (err: unknown) => {
      assert.ok(err instanceof ActionFailure);
      assert.match(err.message, /no notification sink accepted the escalation: chat: HTTP 403: invalid_token/);
      const deliveries = err.details["deliveries"] as NotificationDelivery[];
      assert.equal(deliveries[0]?.delivered, false);
      assert.equal(deliveries[0]?.attempts, 1);
      return true;
    });
  });

  it("refuses when no sink is configured, or a named sink is unknown", async () => {
    const none = createNotifier([], { log });
    await assert.rejects(h.plan("notify_only", target, { message: "x" }, { env: { notifier: none } }), (err: unknown) => {
      assert.ok(err instanceof ActionRefusal);
      assert.match(err.message, /no notification sink is configured: set EXECUTOR_NOTIFY_SINKS/);
      return true;
    });
    await assert.rejects(h.plan("escalate", target, { reason: "x" }, { env: { notifier: none } }), /set EXECUTOR_NOTIFY_SINKS/);
    await assert.rejects(
      h.plan("notify_only", target, { message: "x", sinks: ["teams"] }, { env: { notifier } }),
      /unknown notification sink teams: configured sinks are chat, pager/,
    );
  });
});

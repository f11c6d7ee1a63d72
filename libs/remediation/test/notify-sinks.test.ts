// The notification sinks against real local HTTP receivers: the generic webhook's and Slack's bodies, retries
// with back-off on 5xx, 429 (Retry-After honoured), network errors and timeouts, no retry on other 4xx, one
// delivery record per sink, the Prometheus counter, and the EXECUTOR_NOTIFY_SINKS validation.
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import pino from "pino";
import { Registry } from "prom-client";
import {
  createNotifier,
  type Notification,
  parseSinkConfigs,
  SinkConfigError,
  type SinkConfigInput,
  UnknownSinkError,
  validateSinkConfigs,
} from "../src/index.js";
import { type Answer, type Recorder, startRecorder } from "./notify-recorder.js";

const log = pino({ level: "silent" });
const fast = { initialBackoffMs: 20, maxBackoffMs: 100 };

const notification: Notification = {
  kind: "escalate",
  title: "payments-api is crash looping",
  text: "restart_pod did not help twice in an hour <see runbook>",
  urgency: "high",
  incidentId: "inc_1",
  correlationId: "corr_1",
  executionId: "exec_1",
  alertname: "KubePodCrashLooping",
  target: { kind: "Deployment", name: "payments-api", namespace: "shop" },
  fields: { Action: "restart_pod" },
};

const recorders: Recorder[] = [];
const recorder = async (answer?: (n: number) => Answer) => {
  const r = await startRecorder(answer);
  recorders.push(r);
  return r;
};
after(() => Promise.all(recorders.map((r) => r.close())));

const sink = (name: string, type: "webhook" | "slack", url: string, extra: Partial<SinkConfigInput> = {}) =>
  validateSinkConfigs([{ name, type, url, ...extra }])[0]!;

describe("notification sinks", () => {
  it("webhook: POSTs the notification with its version and send time, bearer token and headers", async () => {
    const r = await recorder(() => ({ status: 204 }));
    const notifier = createNotifier([sink("ops", "webhook", r.url, { bearerToken: "s3cret", headers: { "x-team": "sre" } })], { log });
    const [delivery] = await notifier.send(notification);
    assert.equal(delivery?.delivered, true);
    assert.equal(delivery?.attempts, 1);
    assert.equal(delivery?.status, 204);
    assert.equal(r.requests.length, 1);
    const req = r.requests[0]!;
    assert.equal(req.method, "POST");
    assert.equal(req.headers["authorization"], "Bearer s3cret");
    assert.equal(req.headers["x-team"], "sre");
    assert.equal(req.headers["content-type"], "application/json");
    const body = req.body as Record<string, unknown>;
    assert.equal(body["version"], 1);
    assert.ok(!Number.isNaN(Date.parse(body["sentAt"] as string)));
    assert.deepEqual({ ...body, version: undefined, sentAt: undefined }, { ...notification, version: undefined, sentAt: undefined });
  });

  it("slack: text fallback and Block Kit header, section and fields, escaped", async () => {
    const r = await recorder();
    const notifier = createNotifier([sink("chat", "slack", r.url)], { log });
    const [delivery] = await notifier.send(notification);
    assert.equal(delivery?.delivered, true);
    const body = r.requests[0]!.body as {
      text: string;
      blocks: Array<{ type: string; text?: { text: string }; fields?: Array<{ text: string }> }>;
    };
    assert.match(body.text, /Escalation: payments-api is crash looping \(Deployment\/shop\/payments-api\)/);
    assert.deepEqual(
      body.blocks.map((b) => b.type),
      ["header", "section", "section", "context"],
    );
    assert.match(body.blocks[0]!.text!.text, /payments-api is crash looping/);
    assert.equal(body.blocks[1]!.text!.text, "restart_pod did not help twice in an hour &lt;see runbook&gt;");
    const fields = body.blocks[2]!.fields!.map((f) => f.text);
    assert.ok(fields.includes("*Target*\nDeployment/shop/payments-api"));
    assert.ok(fields.includes("*Action*\nrestart_pod"));
  });

  it("slack: a 400 invalid_payload is not retried, and the record says why", async () => {
    const r = await recorder(() => ({ status: 400, body: "invalid_payload" }));
    const notifier = createNotifier([sink("chat", "slack", r.url, { maxAttempts: 4 })], { log, timing: fast });
    const [delivery] = await notifier.send(notification);
    assert.equal(delivery?.delivered, false);
    assert.equal(delivery?.attempts, 1);
    assert.equal(delivery?.status, 400);
    assert.equal(delivery?.error, "HTTP 400: invalid_payload");
    assert.equal(r.requests.length, 1);
  });

  it("retries 5xx with exponential back-off until delivered", async () => {
    const r = await recorder((n) => (n <= 2 ? { status: 503, body: "upstream down" } : { status: 200, body: "ok" }));
    const notifier = createNotifier([sink("ops", "webhook", r.url, { maxAttempts: 4 })], { log, timing: fast });
    const [delivery] = await notifier.send(notification);
    assert.equal(delivery?.delivered, true);
    assert.equal(delivery?.attempts, 3);
    assert.equal(r.requests.length, 3);
    // The same body on every attempt, so a receiver can deduplicate.
    assert.deepEqual(r.requests[0]!.body, r.requests[2]!.body);
    const gap1 = r.requests[1]!.at - r.requests[0]!.at;
    assert.ok(gap1 >= 9, `waited ${gap1} ms before retrying`);
  });

  it("gives up after maxAttempts on 500, with the last answer recorded", async () => {
    const r = await recorder(() => ({ status: 500, body: "boom" }));
    const notifier = createNotifier([sink("ops", "webhook", r.url, { maxAttempts: 3 })], { log, timing: fast });
    const [delivery] = await notifier.send(notification);
    assert.equal(delivery?.delivered, false);
    assert.equal(delivery?.attempts, 3);
    assert.equal(delivery?.status, 500);
    assert.equal(delivery?.error, "HTTP 500: boom (gave up after 3 attempts)");
  });

  it("honours Retry-After on 429", async () => {
    const r = await recorder((n) =>
      n === 1 ? { status: 429, body: "rate_limited", headers: { "retry-after": "1" } } : { status: 200, body: "ok" },
    );
    const notifier = createNotifier([sink("chat", "slack", r.url)], { log, timing: fast });
    const [delivery] = await notifier.send(notification);
    assert.equal(delivery?.delivered, true);
    assert.equal(delivery?.attempts, 2);
    const gap = r.requests[1]!.at - r.requests[0]!.at;
    assert.ok(gap >= 950, `retried after ${gap} ms, not the 1 s Retry-After asked`);
  });

  it("times out a hung receiver per attempt, and retries", async () => {
    const r = await recorder(() => "hang");
    const notifier = createNotifier([sink("ops", "webhook", r.url, { timeoutMs: 200, maxAttempts: 2 })], { log, timing: fast });
    const started = performance.now();
    const [delivery] = await notifier.send(notification);
    assert.equal(delivery?.delivered, false);
    assert.equal(delivery?.attempts, 2);
    assert.equal(r.requests.length, 2);
    assert.match(delivery?.error ?? "", /no answer within 200 ms \(gave up after 2 attempts\)/);
    assert.ok(performance.now() - started < 3000);
  });

  it("retries network errors (nothing listening)", async () => {
    const r = await recorder();
    const url = r.url;
    await r.close();
    const notifier = createNotifier([sink("ops", "webhook", url, { maxAttempts: 2 })], { log, timing: fast });
    const [delivery] = await notifier.send(notification);
    assert.equal(delivery?.delivered, false);
    assert.equal(delivery?.attempts, 2);
    assert.match(delivery?.error ?? "", /ECONNREFUSED/);
  });

  it("delivers to each sink on its own, counts outcomes, and refuses unknown sink names before sending", async () => {
    const good = await recorder();
    const bad = await recorder(() => ({ status: 404, body: "no_service" }));
    const registry = new Registry();
    const notifier = createNotifier([sink("chat", "slack", good.url), sink("ops", "webhook", bad.url)], { log, registry, timing: fast });
    assert.deepEqual(notifier.sinks, ["chat", "ops"]);
    const deliveries = await notifier.send(notification);
    assert.deepEqual(
      deliveries.map((d) => [d.sink, d.type, d.delivered]),
      [
        ["chat", "slack", true],
        ["ops", "webhook", false],
      ],
    );
    const only = await notifier.send(notification, { sinks: ["chat"] });
    assert.equal(only.length, 1);
    await assert.rejects(notifier.send(notification, { sinks: ["chat", "pager"] }), (err: unknown) => {
      assert.ok(err instanceof UnknownSinkError);
      assert.match(err.message, /unknown notification sink "pager": configured sinks are chat, ops/);
      return true;
    });
    assert.equal(good.requests.length, 2, "nothing sent for the refused call");
    const metric = await registry.getSingleMetricAsString("vigil_executor_notifications_total");
    assert.match(metric, /vigil_executor_notifications_total\{sink="chat",type="slack",outcome="delivered"\} 2/);
    assert.match(metric, /vigil_executor_notifications_total\{sink="ops",type="webhook",outcome="failed"\} 1/);
  });
});

describe("EXECUTOR_NOTIFY_SINKS", () => {
  it("parses sinks and applies defaults; blank means none", () => {
    const [s] = parseSinkConfigs(JSON.stringify([{ name: "ops-slack", type: "slack", url: "https://hooks.slack.com/services/T/B/X" }]));
    assert.deepEqual(s, {
      name: "ops-slack",
      type: "slack",
      url: "https://hooks.slack.com/services/T/B/X",
      timeoutMs: 5000,
      maxAttempts: 4,
    });
    assert.deepEqual(parseSinkConfigs(undefined), []);
    assert.deepEqual(parseSinkConfigs("  "), []);
  });

  it("reports every problem at once, naming the entry and the field", () => {
    const input = JSON.stringify([
      { name: "ops-slack", type: "slack", url: "ftp://x" },
      { type: "pager", url: "http://x" },
      { name: "hook", type: "webhook", url: "http://x", retries: 3, timeoutMs: 10 },
      { name: "ops-slack", type: "webhook", url: "http://y" },
    ]);
    assert.throws(
      () => parseSinkConfigs(input),
      (err: unknown) => {
        assert.ok(err instanceof SinkConfigError);
        assert.deepEqual(err.problems, [
          'sink "ops-slack": url: must be an http(s) URL',
          "sink [1]: name: is required",
          "sink [1]: type: must be webhook or slack",
          'sink "hook": timeoutMs: must be ≥ 100',
          'sink "hook": retries: is not a sink setting',
          'sink "ops-slack": name: already used by sink [0] (names must be unique)',
        ]);
        return true;
      },
    );
  });

  it("refuses text that is not a JSON list", () => {
    assert.throws(() => parseSinkConfigs("{oops"), /EXECUTOR_NOTIFY_SINKS is invalid:\n {2}- is not JSON/);
    assert.throws(() => parseSinkConfigs('{"name":"x"}'), /must be a JSON list of sinks/);
  });
});

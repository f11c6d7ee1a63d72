// The pod tools against the oom-crashloop scenario: describe_pod, failure_events, container_logs and
// rollout_history say what an SRE needs (OOMKilled under a 256Mi limit), unknown objects and bad input come
// back as ok:false with a message that names what to fix, and an oversized answer is trimmed within budget.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { runTool, toolNamed, type ToolResult } from "../src/index.js";
import { clusterToolHarness, podNamed, type ClusterToolHarness } from "./cluster-harness.js";

const call = (h: ClusterToolHarness, name: string, input: unknown, maxChars?: number): Promise<ToolResult> =>
  runTool(toolNamed(name)!, h.ctx, input, maxChars === undefined ? {} : { maxChars });

// Values the tests read from the tools' JSON answers.
interface Described {
  containers: Array<{ name: string; lastState?: { terminated?: { reason?: string } }; resources: { limits: Record<string, string> } }>;
  events: unknown[];
  totalEvents: number;
  annotations: Record<string, string>;
}
interface FailureEvents {
  failureEvents: Array<{ category: string; possibleCauses: string[]; reason: string }>;
}
interface Logs {
  container: string;
  previous: boolean;
  lines: number;
  log: string;
}

describe("cluster pod tools on oom-crashloop", () => {
  let h: ClusterToolHarness;
  let pod: string;
  before(async () => {
    h = await clusterToolHarness("oom-crashloop");
    pod = podNamed(h, "shop", "payments-api");
  });
  after(() => h.stop());

  test("describe_pod shows the OOM-killed last state under the 256Mi limit, newest events only", async () => {
    const r = await call(h, "describe_pod", { namespace: "shop", name: pod });
    assert.equal(r.ok, true, r.error);
    const d = r.data as Described;
    assert.equal(d.containers[0]!.lastState?.terminated?.reason, "OOMKilled");
    assert.equal(d.containers[0]!.resources.limits["memory"], "256Mi");
    assert.ok(d.events.length > 0 && d.events.length <= 20);
    assert.ok(d.totalEvents >= d.events.length);
    assert.deepEqual(r.trimmed, []);
    assert.equal(r.text, JSON.stringify(r.data));
  });

  test("failure_events classifies the crash loop as a memory problem", async () => {
    const r = await call(h, "failure_events", { namespace: "shop", name: pod });
    assert.equal(r.ok, true, r.error);
    const crash = (r.data as FailureEvents).failureEvents.find((e) => e.category === "ContainerCrash");
    assert.ok(crash, r.text);
    assert.ok(
      crash.possibleCauses.some((c) => c.includes("OOMKilled (memory limit 256Mi)")),
      crash.possibleCauses.join("; "),
    );
  });

  test("scheduling_analysis of a scheduled pod says where and why it fitted", async () => {
    const r = await call(h, "scheduling_analysis", { namespace: "shop", name: pod });
    assert.equal(r.ok, true, r.error);
    const s = r.data as { status: string; nodeName: string; schedulingReasons: string[] };
    assert.equal(s.status, "Scheduled");
    assert.equal(s.nodeName, h.cache.get({ kind: "Pod", namespace: "shop", name: pod })?.spec?.nodeName);
    assert.ok(
      s.schedulingReasons.some((x) => /sufficient resources/.test(x)),
      s.schedulingReasons.join("; "),
    );
  });

  test("container_logs reads the current and the previous (crashed) instance", async () => {
    const current = await call(h, "container_logs", { namespace: "shop", pod });
    const previous = await call(h, "container_logs", { namespace: "shop", pod, previous: true, tailLines: 1 });
    for (const r of [current, previous]) assert.equal(r.ok, true, r.error);
    const c = current.data as Logs;
    const p = previous.data as Logs;
    assert.equal(c.container, "api"); // the only container, chosen without being named
    assert.equal(c.previous, false);
    assert.equal(p.previous, true);
    assert.match(p.log, /allocating 420Mi/);
    assert.equal(p.lines, 1);
  });

  test("rollout_history lists the one revision, current, with its image", async () => {
    const r = await call(h, "rollout_history", { kind: "Deployment", namespace: "shop", name: "payments-api" });
    assert.equal(r.ok, true, r.error);
    const revisions = (r.data as { revisions: Array<{ revision: number; current: boolean; images: string[] }> }).revisions;
    assert.deepEqual(
      revisions.map((x) => [x.revision, x.current, x.images]),
      [[1, true, ["shop/payments-api:3.2.1"]]],
    );
  });

  test("unknown objects give ok:false with what exists", async () => {
    const noPod = await call(h, "describe_pod", { namespace: "shop", name: "payments-api-typo" });
    assert.equal(noPod.ok, false);
    assert.match(noPod.error!, /pod shop\/payments-api-typo not found; pods in shop: payments-api-/);
    assert.equal(noPod.text, noPod.error);

    const noNamespace = await call(h, "failure_events", { namespace: "ghost", name: pod });
    assert.match(noNamespace.error!, /namespace ghost does not exist/);
    const noNamespaceErrors = await call(h, "namespace_errors", { namespace: "ghost" });
    assert.equal(noNamespaceErrors.ok, false);
    assert.match(noNamespaceErrors.error!, /namespace ghost does not exist/);

    const noWorkload = await call(h, "rollout_history", { kind: "Deployment", namespace: "shop", name: "payments" });
    assert.match(noWorkload.error!, /Deployment shop\/payments not found; Deployments in shop: payments-api/);
    const noContainer = await call(h, "container_logs", { namespace: "shop", pod, container: "sidecar" });
    assert.match(noContainer.error!, /has no container sidecar; containers: api/);
  });

  test("invalid input names every field to fix", async () => {
    const missing = await call(h, "describe_pod", { pod });
    assert.equal(missing.ok, false);
    assert.match(missing.error!, /^invalid input for describe_pod: /);
    assert.match(missing.error!, /namespace: /);
    assert.match(missing.error!, /name: /);

    const range = await call(h, "container_logs", { namespace: "shop", pod, tailLines: 5000, previous: "yes" });
    assert.match(range.error!, /tailLines: .*500/);
    assert.match(range.error!, /previous: /);
    const kind = await call(h, "rollout_history", { kind: "Job", namespace: "shop", name: "payments-api" });
    assert.match(kind.error!, /kind: /);
  });

  test("a pod with several containers needs one named, and lists them", async () => {
    h.sim.load([
      {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: "two-containers", namespace: "shop", annotations: { "sim.vigil.dev/log": "proxy ready" } },
        spec: {
          containers: [
            { name: "app", image: "shop/payments-api:3.2.1" },
            { name: "proxy", image: "shop/payments-api:3.2.1" },
          ],
        },
      },
    ]);
    await h.advance("20s");
    const unnamed = await call(h, "container_logs", { namespace: "shop", pod: "two-containers" });
    assert.equal(unnamed.ok, false);
    assert.match(unnamed.error!, /has 2 containers: name one in `container` \(containers: app, proxy\)/);
    const named = await call(h, "container_logs", { namespace: "shop", pod: "two-containers", container: "proxy" });
    assert.equal(named.ok, true, named.error);
    assert.equal((named.data as Logs).container, "proxy");
  });

  test("an oversized answer is trimmed within maxChars: oldest events go, long logs keep their tail", async () => {
    const now = h.sim.clock.now();
    const uid = h.cache.get({ kind: "Pod", namespace: "shop", name: pod })!.metadata!.uid!;
    // 240 distinct warnings, one a minute: more than a model should read.
    h.sim.load(
      Array.from({ length: 240 }, (_, i) => {
        const at = new Date(now - (240 - i) * 60_000).toISOString();
        return {
          apiVersion: "v1",
          kind: "Event",
          metadata: { name: `${pod}.noise${i}`, namespace: "shop" },
          involvedObject: { kind: "Pod", namespace: "shop", name: pod, uid },
          type: "Warning",
          reason: `Noise${i}`,
          message: `warning number ${i} about something the kubelet noticed`,
          firstTimestamp: at,
          lastTimestamp: at,
          count: 1,
          source: { component: "kubelet" },
        };
      }),
    );
    await h.advance("1s");
    const r = await call(h, "failure_events", { namespace: "shop", name: pod });
    assert.equal(r.ok, true, r.error);
    assert.ok(r.text.length <= 8_000, `text is ${r.text.length} characters`);
    assert.ok(
      r.trimmed.some((t) => /^failureEvents: \d+ of 24\d omitted/.test(t)),
      r.trimmed.join("; "),
    );
    assert.match(r.text, /\n\[trimmed to fit: failureEvents: \d+ of 24\d omitted/);
    // Severity first: the critical crash event stays at the top, whatever was cut.
    assert.equal((r.data as FailureEvents).failureEvents[0]!.reason, "BackOff");

    const lines = Array.from({ length: 300 }, (_, i) => `line ${i}: ${"x".repeat(40)}`).join("\n");
    h.sim.load([
      {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: "chatty", namespace: "shop", annotations: { "sim.vigil.dev/log": lines } },
        spec: { containers: [{ name: "app", image: "shop/payments-api:3.2.1" }] },
      },
    ]);
    await h.advance("20s");
    const logs = await call(h, "container_logs", { namespace: "shop", pod: "chatty", tailLines: 500 }, 2_000);
    assert.equal(logs.ok, true, logs.error);
    assert.ok(logs.text.length <= 2_000, `text is ${logs.text.length} characters`);
    assert.ok(
      logs.trimmed.some((t) => /^log: first \d+ lines omitted/.test(t)),
      logs.trimmed.join("; "),
    );
    const log = (logs.data as Logs).log;
    assert.match(log, /line 299: x+\n?$/);
    assert.doesNotMatch(log, /line 0:/);
  });

  test("rollout_history says what a new revision changed: the memory limit raised", async () => {
    h.sim.patch(
      "Deployment",
      "payments-api",
      {
        spec: {
          template: { spec: { containers: [{ name: "api", resources: { limits: { memory: "768Mi" }, requests: { memory: "512Mi" } } }] } },
        },
      },
      { namespace: "shop", type: "strategic" },
    );
    await h.advance("5s");
    const r = await call(h, "rollout_history", { kind: "Deployment", namespace: "shop", name: "payments-api" });
    assert.equal(r.ok, true, r.error);
    const [newest] = (r.data as { revisions: Array<{ revision: number; current: boolean; changes?: string[] }> }).revisions;
    assert.deepEqual(newest, {
      ...newest,
      revision: 2,
      current: true,
      changes: ["container api: requests.memory 256Mi → 512Mi", "container api: limits.memory 256Mi → 768Mi"],
    });
  });
});

// rollout_restart, restart_daemonset, restart_network, pause_rollout and resume_rollout against the simulator:
// the restartedAt annotation as kubectl writes it (cluster time), the pods the controller replaces, a dry run
// that stores nothing, and the refusals (paused, OnDelete, no pods, not networking, outside kube-system).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { waitFor } from "@vigil/testing";

import { type ActionHarness, actionHarness, refusal } from "./action-harness.js";

/** What the simulator's objects always carry. */
type Typed = { apiVersion: string; kind: string };

const RESTARTED_AT = "kubectl.kubernetes.io/restartedAt";
const KEY = `spec.template.metadata.annotations[${RESTARTED_AT}]`;

type Workload = Typed & {
  metadata: { resourceVersion: string; generation: number };
  spec: { paused?: boolean; template: { metadata?: { annotations?: Record<string, string> } } };
  status?: { observedGeneration?: number };
};
type Pod = Typed & {
  metadata: {
    name: string;
    uid: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    deletionTimestamp?: string;
  };
  status?: { phase?: string };
};

const app = (kind: string, name: string, ns: string, extra = "", labels = `{ app: ${name} }`) => `
apiVersion: apps/v1
kind: ${kind}
metadata: { name: ${name}, namespace: ${ns}, labels: ${labels} }
spec:
  ${extra}
  selector: { matchLabels: ${labels} }
  template:
    metadata: { labels: ${labels} }
    spec: { containers: [{ name: main, image: "example/${name}:1.0", resources: { requests: { cpu: 10m, memory: 16Mi } } }] }
---`;

const manifests = [
  app("Deployment", "web", "apps", "replicas: 2"),
  app("Deployment", "idle", "apps", "replicas: 0"),
  app("StatefulSet", "db", "apps", "replicas: 2\n  serviceName: db"),
  app("DaemonSet", "agent", "ops"),
  app("DaemonSet", "legacy", "ops", "updateStrategy: { type: OnDelete }"),
  app("Deployment", "coredns", "kube-system", "replicas: 2", "{ k8s-app: kube-dns }"),
  app("DaemonSet", "kube-proxy", "kube-system", "", "{ k8s-app: kube-proxy }"),
  app("DaemonSet", "calico-node", "kube-system", "", "{ k8s-app: calico-node }"),
  app("Deployment", "metrics-server", "kube-system", "replicas: 1", "{ k8s-app: metrics-server }"),
].join("\n");

const ref = (kind: string, name: string, namespace: string) => ({ kind, name, namespace });
const livePods = (h: ActionHarness, ns: string, label: string, value: string) =>
  h.sim
    .list<Pod>("Pod", ns)
    .filter((p) => p.metadata.labels?.[label] === value && !p.metadata.deletionTimestamp && p.status?.phase === "Running");

describe("rolling restarts", () => {
  let h: ActionHarness;
  before(async () => {
    h = await actionHarness({ scenario: "healthy", manifests });
    await waitFor(async () => {
      await h.sim.advance("5s");
      return (
        livePods(h, "apps", "app", "web").length === 2 &&
        livePods(h, "apps", "app", "db").length === 2 &&
        livePods(h, "ops", "app", "agent").length > 0
      );
    });
  });
  after(() => h.stop());

  it("rollout_restart of a Deployment: restartedAt = cluster time in RFC 3339, and every pod is replaced", async () => {
    const oldPods = new Set(livePods(h, "apps", "app", "web").map((p) => p.metadata.uid));
    const run = await h.run("rollout_restart", ref("Deployment", "web", "apps"), {});
    const expected = new Date(Math.floor(h.client.clock.now() / 1000) * 1000).toISOString().replace(".000Z", "Z");
    assert.match(expected, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.deepEqual(run.plan.before, { [KEY]: null });
    assert.deepEqual(run.applied.after, { [KEY]: expected });
    assert.equal(run.plan.summary, `rolling restart of Deployment apps/web (2 pods, restartedAt ${expected})`);
    assert.equal(run.verification?.ok, true, run.verification?.detail);
    assert.equal(Object.hasOwn(run.plan, "revert"), false, "a restart cannot be undone");
    assert.deepEqual(run.plan.consequences.writes?.[0]?.fields, [
      ["f:spec", "f:template", "f:metadata", "f:annotations", `f:${RESTARTED_AT}`],
    ]);
    const live = h.sim.get<Workload>("Deployment", "web", "apps")!;
    assert.equal(live.spec.template.metadata?.annotations?.[RESTARTED_AT], expected);
    await waitFor(
      async () => {
        await h.sim.advance("5s");
        const pods = livePods(h, "apps", "app", "web");
        return pods.length === 2 && pods.every((p) => !oldPods.has(p.metadata.uid));
      },
      { message: "2 new web pods" },
    );
  });

  it("dry run: nothing stored, no pod replaced", async () => {
    await h.sim.advance("1s");
    const rv = h.sim.get<Workload>("StatefulSet", "db", "apps")!.metadata.resourceVersion;
    const run = await h.run("rollout_restart", ref("StatefulSet", "db", "apps"), {}, { dryRun: true });
    assert.ok(typeof run.applied.after[KEY] === "string");
    assert.ok(run.log.operations.some((o) => o.verb === "patch" && o.resource === "statefulsets" && o.dryRun));
    assert.equal(h.sim.get<Workload>("StatefulSet", "db", "apps")!.metadata.resourceVersion, rv);
  });

  it("rollout_restart of a StatefulSet replaces its pods one ordinal at a time", async () => {
    const oldPods = new Set(livePods(h, "apps", "app", "db").map((p) => p.metadata.uid));
    const run = await h.run("rollout_restart", ref("StatefulSet", "db", "apps"), {});
    assert.equal(run.verification?.ok, true, run.verification?.detail);
    await waitFor(
      async () => {
        await h.sim.advance("5s");
        const pods = livePods(h, "apps", "app", "db");
        return pods.length === 2 && pods.every((p) => !oldPods.has(p.metadata.uid));
      },
      { message: "db-0 and db-1 replaced" },
    );
  });

  it("restart_daemonset replaces the DaemonSet's pods; a second restart in the same second is refused", async () => {
    const oldPods = new Set(livePods(h, "ops", "app", "agent").map((p) => p.metadata.uid));
    const run = await h.run("restart_daemonset", ref("DaemonSet", "agent", "ops"), {});
    assert.match(run.plan.summary, /^rolling restart \(maxUnavailable 1\) of DaemonSet ops\/agent \(3 pods, restartedAt .*Z\)$/);
    assert.equal(run.verification?.ok, true, run.verification?.detail);
    await assert.rejects(h.plan("restart_daemonset", ref("DaemonSet", "agent", "ops"), {}), refusal(/was restarted at .* already/));
    await waitFor(
      async () => {
        await h.sim.advance("5s");
        const pods = livePods(h, "ops", "app", "agent");
        return pods.length === 3 && pods.every((p) => !oldPods.has(p.metadata.uid));
      },
      { message: "3 new agent pods" },
    );
  });

  it("refuses what a restart would not restart, and the wrong kind", async () => {
    await assert.rejects(
      h.plan("rollout_restart", ref("DaemonSet", "legacy", "ops"), {}),
      refusal(/DaemonSet ops\/legacy has the OnDelete update strategy: .*restart_pod/),
    );
    await assert.rejects(h.plan("rollout_restart", ref("Deployment", "idle", "apps"), {}), refusal(/Deployment apps\/idle has 0 replicas/));
    await assert.rejects(
      h.plan("restart_daemonset", ref("Deployment", "web", "apps"), {}),
      refusal(/applies to DaemonSet, not to Deployment apps\/web/),
    );
  });

  it("pause_rollout, then rollout_restart is refused, resume_rollout; both revert", async () => {
    const web = ref("Deployment", "web", "apps");
    const rv = h.sim.get<Workload>("Deployment", "web", "apps")!.metadata.resourceVersion;
    const dry = await h.run("pause_rollout", web, {}, { dryRun: true });
    assert.deepEqual(dry.applied.after, { "spec.paused": true });
    assert.equal(h.sim.get<Workload>("Deployment", "web", "apps")!.metadata.resourceVersion, rv, "dry run stored nothing");

    const pause = await h.run("pause_rollout", web, {});
    assert.deepEqual(pause.plan.before, { "spec.paused": false });
    assert.deepEqual(pause.applied.after, { "spec.paused": true });
    assert.equal(pause.verification?.ok, true);
    assert.equal(h.sim.get<Workload>("Deployment", "web", "apps")!.spec.paused, true);
    assert.ok(pause.log.operations.some((o) => o.patchType === "merge" && !o.dryRun));
    await assert.rejects(h.plan("pause_rollout", web, {}), refusal(/Deployment apps\/web is already paused/));
    await assert.rejects(h.plan("rollout_restart", web, {}), refusal(/Deployment apps\/web is paused: .*resume it first/));

    const resumeDry = await h.run("resume_rollout", web, {}, { dryRun: true });
    assert.deepEqual(resumeDry.applied.after, { "spec.paused": false });
    assert.equal(h.sim.get<Workload>("Deployment", "web", "apps")!.spec.paused, true, "dry run: still paused");

    const resume = await h.run("resume_rollout", web, {});
    assert.deepEqual(resume.applied.after, { "spec.paused": false });
    assert.equal(h.sim.get<Workload>("Deployment", "web", "apps")!.spec.paused, false);
    await assert.rejects(h.plan("resume_rollout", web, {}), refusal(/Deployment apps\/web is not paused/));

    assert.deepEqual(await h.revert(resume.plan), { "spec.paused": true });
    assert.equal(h.sim.get<Workload>("Deployment", "web", "apps")!.spec.paused, true);
    assert.deepEqual(await h.revert(pause.plan), { "spec.paused": false });
    assert.equal(h.sim.get<Workload>("Deployment", "web", "apps")!.spec.paused, false);
  });

  it("restart_network restarts cluster DNS, kube-proxy and the CNI agent in kube-system", async () => {
    const dns = await h.run("restart_network", ref("Deployment", "coredns", "kube-system"), { component: "dns" });
    assert.match(dns.plan.summary, /^restart cluster DNS \(dns\): rolling restart of Deployment kube-system\/coredns/);
    assert.equal(
      typeof h.sim.get<Workload>("Deployment", "coredns", "kube-system")!.spec.template.metadata?.annotations?.[RESTARTED_AT],
      "string",
    );
    assert.equal(dns.verification?.ok, true, dns.verification?.detail);

    const rv = h.sim.get<Workload>("DaemonSet", "kube-proxy", "kube-system")!.metadata.resourceVersion;
    await h.run("restart_network", ref("DaemonSet", "kube-proxy", "kube-system"), { component: "kube_proxy" }, { dryRun: true });
    assert.equal(h.sim.get<Workload>("DaemonSet", "kube-proxy", "kube-system")!.metadata.resourceVersion, rv, "dry run stored nothing");
    await h.run("restart_network", ref("DaemonSet", "kube-proxy", "kube-system"), { component: "kube_proxy" });
    assert.equal(
      typeof h.sim.get<Workload>("DaemonSet", "kube-proxy", "kube-system")!.spec.template.metadata?.annotations?.[RESTARTED_AT],
      "string",
    );

    const cni = await h.run("restart_network", ref("DaemonSet", "calico-node", "kube-system"), { component: "cni" });
    assert.equal(cni.verification?.ok, true, cni.verification?.detail);
  });

  it("restart_network refuses anything that is not the named networking component in kube-system", async () => {
    await assert.rejects(
      h.plan("restart_network", ref("Deployment", "web", "apps"), { component: "dns" }),
      refusal(/cluster networking in kube-system only; Deployment apps\/web is not there \(use rollout_restart/),
    );
    await assert.rejects(
      h.plan("restart_network", ref("Deployment", "metrics-server", "kube-system"), { component: "dns" }),
      refusal(/Deployment kube-system\/metrics-server is not the cluster DNS Deployment/),
    );
    await assert.rejects(
      h.plan("restart_network", ref("DaemonSet", "kube-proxy", "kube-system"), { component: "cni" }),
      refusal(/DaemonSet kube-system\/kube-proxy is not a CNI agent DaemonSet/),
    );
    await assert.rejects(
      h.plan("restart_network", ref("Deployment", "coredns", "kube-system"), { component: "kube_proxy" }),
      refusal(/is not the kube-proxy DaemonSet/),
    );
  });
});

// rollback_deployment against the bad-rollout-readiness scenario: the rollback to the previous ReplicaSet's
// template makes the pods Ready again once the clock advances, and leaves the Deployment exactly as real
// `kubectl rollout undo` leaves it (run against a second simulator with the same scenario); a dry run stores
// nothing; the refusals (unknown revision, already current, no earlier revision, paused); the revert rolls forward.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import { KubeSim } from "@vigil/kube-sim";
import { waitFor } from "@vigil/testing";

import { normalize } from "../src/actions/workloads/template-diff.js";
import { type ActionHarness, actionHarness, refusal } from "./action-harness.js";

/** What the simulator's objects always carry. */
type Typed = { apiVersion: string; kind: string };

const run = promisify(execFile);
const IMAGE = "spec.template.spec.containers[storefront].image";

type Deployment = Typed & {
  metadata: { resourceVersion: string; annotations?: Record<string, string> };
  spec: { paused?: boolean; template: { spec: { containers: { image: string }[] } } };
  status?: { conditions?: { type: string; status: string; reason?: string }[] };
};
type Pod = Typed & {
  metadata: { labels?: Record<string, string>; deletionTimestamp?: string };
  spec: { containers: { image: string }[] };
  status?: { containerStatuses?: { ready: boolean }[] };
};

const storefront = { kind: "Deployment", name: "storefront", namespace: "shop" };
const deploymentOf = (sim: KubeSim) => sim.get<Deployment>("Deployment", "storefront", "shop")!;

const kubectlMissing = async () => {
  try {
    await run("kubectl", ["version", "--client", "-o", "json"]);
    return undefined;
  } catch {
    return "kubectl is not installed";
  }
};

describe("rollback_deployment", () => {
  let h: ActionHarness;
  before(async () => {
    h = await actionHarness({ scenario: "bad-rollout-readiness" });
  });
  after(() => h.stop());

  it("the scenario is stuck on revision 2 (2.4.0, ProgressDeadlineExceeded)", () => {
    const d = deploymentOf(h.sim);
    assert.equal(d.metadata.annotations?.["deployment.kubernetes.io/revision"], "2");
    assert.equal(d.status?.conditions?.find((c) => c.type === "Progressing")?.reason, "ProgressDeadlineExceeded");
  });

  it("dry run: the API server answers with revision 1's template, nothing is stored", async () => {
    const rv = deploymentOf(h.sim).metadata.resourceVersion;
    const dry = await h.run("rollback_deployment", storefront, {}, { dryRun: true });
    assert.deepEqual(dry.applied.after, { [IMAGE]: "shop/storefront:2.3.0" });
    assert.ok(dry.log.operations.some((o) => o.verb === "patch" && o.patchType === "json" && o.dryRun));
    assert.equal(deploymentOf(h.sim).metadata.resourceVersion, rv);
    assert.equal(deploymentOf(h.sim).spec.template.spec.containers[0]?.image, "shop/storefront:2.4.0");
  });

  it("refuses an unknown revision and the revision already running", async () => {
    await assert.rejects(
      h.plan("rollback_deployment", storefront, { toRevision: 7 }),
      refusal(/Deployment shop\/storefront has no revision 7 \(its revisions: 2, 1;/),
    );
    await assert.rejects(h.plan("rollback_deployment", storefront, { toRevision: 2 }), refusal(/already runs the template of revision 2/));
  });

  it("refuses a paused Deployment, as kubectl does", async () => {
    h.sim.patch("Deployment", "storefront", { spec: { paused: true } }, { namespace: "shop" });
    try {
      await assert.rejects(h.plan("rollback_deployment", storefront, {}), refusal(/is paused: .*resume it first/));
    } finally {
      h.sim.patch("Deployment", "storefront", { spec: { paused: false } }, { namespace: "shop" });
    }
  });

  it("refuses when there is no earlier revision", async () => {
    h.sim.load(`
apiVersion: apps/v1
kind: Deployment
metadata: { name: fresh, namespace: shop }
spec:
  replicas: 1
  selector: { matchLabels: { app: fresh } }
  template:
    metadata: { labels: { app: fresh } }
    spec: { containers: [{ name: fresh, image: "shop/storefront:2.3.0" }] }
`);
    await waitFor(async () => {
      await h.sim.advance("1s");
      return h.sim.get<Deployment>("Deployment", "fresh", "shop")?.metadata.annotations?.["deployment.kubernetes.io/revision"] === "1";
    });
    await assert.rejects(
      h.plan("rollback_deployment", { ...storefront, name: "fresh" }, {}),
      refusal(/Deployment shop\/fresh has no earlier revision to roll back to \(its revisions: 1\)/),
    );
  });

  it("rolls back live: pods run 2.3.0 and become Ready; the Deployment ends as `kubectl rollout undo` leaves it; revert rolls forward", async (t) => {
    const live = await h.run("rollback_deployment", storefront, {});
    assert.match(
      live.plan.summary,
      /^roll back Deployment shop\/storefront from revision 2 to revision 1 \(ReplicaSet storefront-\w+: shop\/storefront:2\.4\.0 → shop\/storefront:2\.3\.0\)$/,
    );
    assert.deepEqual(live.plan.before, { [IMAGE]: "shop/storefront:2.4.0" });
    assert.deepEqual(live.applied.after, { [IMAGE]: "shop/storefront:2.3.0" });
    assert.equal(live.verification?.ok, true, live.verification?.detail);
    assert.deepEqual(live.plan.consequences.writes?.[0]?.fields, [
      ["f:spec", "f:template"],
      ["f:metadata", "f:annotations"],
    ]);
    assert.ok(live.log.operations.some((o) => o.verb === "list" && o.resource === "replicasets"));

    await waitFor(
      async () => {
        await h.sim.advance("10s");
        const pods = h.sim
          .list<Pod>("Pod", "shop")
          .filter((p) => p.metadata.labels?.["app"] === "storefront" && !p.metadata.deletionTimestamp);
        return (
          pods.length === 4 &&
          pods.every((p) => p.spec.containers[0]?.image === "shop/storefront:2.3.0" && p.status?.containerStatuses?.[0]?.ready)
        );
      },
      { message: "4 Ready storefront pods on 2.3.0", timeoutMs: 20_000 },
    );
    const ours = deploymentOf(h.sim);
    assert.equal(
      ours.metadata.annotations?.["deployment.kubernetes.io/revision"],
      "3",
      "the rollback is the newest revision, as with kubectl",
    );
    assert.notEqual(ours.status?.conditions?.find((c) => c.type === "Progressing")?.reason, "ProgressDeadlineExceeded");

    const missing = await kubectlMissing();
    if (missing) {
      t.diagnostic(`kubectl comparison skipped: ${missing}`);
    } else {
      const sim = await KubeSim.start({ clock: "virtual", scenario: "bad-rollout-readiness" });
      const dir = await mkdtemp(join(tmpdir(), "vigil-rollback-"));
      try {
        const kubeconfig = join(dir, "kubeconfig");
        await writeFile(kubeconfig, sim.kubeconfig(), { mode: 0o600 });
        await run("kubectl", ["--kubeconfig", kubeconfig, "-n", "shop", "rollout", "undo", "deployment/storefront"], {
          env: { ...process.env, HOME: dir },
        });
        await sim.advance("1s");
        const theirs = deploymentOf(sim);
        assert.deepEqual(normalize(ours.spec.template), normalize(theirs.spec.template), "the same pod template as kubectl's");
        assert.deepEqual(ours.metadata.annotations, theirs.metadata.annotations, "the same annotations as kubectl's");
      } finally {
        await sim.stop();
        await rm(dir, { recursive: true, force: true });
      }
    }

    const reverted = await h.revert(live.plan);
    assert.deepEqual(reverted, { [IMAGE]: "shop/storefront:2.4.0" });
    assert.equal(deploymentOf(h.sim).spec.template.spec.containers[0]?.image, "shop/storefront:2.4.0");
  });
});

// rotate_secrets. The simulator serves no external-secrets.io API: there the action refuses as unsupported.
// The positive path runs against a stand-in API server serving only external-secrets.io/v1beta1 (the older
// version, so the discovery fallback is exercised): the ExternalSecret gets a new force-sync annotation live,
// not in dry run, and a Secret target is matched to the ExternalSecret that writes it.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { kubeConfigFromUrl, KubeClient } from "@vigil/kube";
import { ActionRefusal } from "../src/index.js";
import { type ActionHarness, actionHarness } from "./action-harness.js";
import { type StandIn, type StandInObject, startStandIn } from "./actions-storage-stand-in.js";

const GV = "external-secrets.io/v1beta1";
const externalSecret = (name: string, targetName?: string, annotations?: Record<string, string>): StandInObject => ({
  apiVersion: GV,
  kind: "ExternalSecret",
  metadata: { name, namespace: "shop", ...(annotations ? { annotations } : {}) },
  spec: {
    refreshInterval: "1h",
    secretStoreRef: { name: "vault", kind: "ClusterSecretStore" },
    ...(targetName ? { target: { name: targetName } } : {}),
  },
});

describe("rotate_secrets", () => {
  let h: ActionHarness;
  let s: StandIn;
  let client: KubeClient;
  before(async () => {
    h = await actionHarness();
    s = await startStandIn({
      served: { [GV]: ["externalsecrets"] },
      objects: {
        externalsecrets: [
          externalSecret("db-creds", "db-password", { team: "payments", "force-sync": "1" }),
          externalSecret("api-key"),
          externalSecret("shared-a", "shared"),
          externalSecret("shared-b", "shared"),
        ],
      },
    });
    client = new KubeClient(kubeConfigFromUrl(s.url), { fieldManager: "vigil-executor" });
  });
  after(async () => {
    await s.close();
    await h.stop();
  });

  it("refuses as unsupported where the External Secrets API is not installed (the simulator)", async () => {
    await assert.rejects(h.plan("rotate_secrets", { kind: "Secret", name: "db-password", namespace: "default" }, {}), (err: unknown) => {
      assert.ok(err instanceof ActionRefusal);
      assert.equal(err.kind, "unsupported");
      assert.match(err.message, /External Secrets API \(external-secrets\.io v1 or v1beta1\) is not installed/);
      return true;
    });
  });

  it("annotates an ExternalSecret target with force-sync at cluster time (ms)", async () => {
    const startedAt = h.client.clock.now();
    const run = await h.run("rotate_secrets", { kind: "ExternalSecret", name: "api-key", namespace: "shop" }, {}, { client });
    assert.deepEqual(run.plan.before, { "metadata.annotations.force-sync": null });
    const stamp = run.applied.after["metadata.annotations.force-sync"] as string;
    assert.ok(Math.abs(Number(stamp) - startedAt) < 5_000, `${stamp} is the cluster's time`);
    assert.equal(s.get("externalsecrets", "shop", "api-key")?.metadata.annotations?.["force-sync"], stamp);
    assert.equal(run.verification?.ok, true, run.verification?.detail);
    const patch = s.requests.find((r) => r.method === "PATCH")!;
    assert.equal(patch.path, "/apis/external-secrets.io/v1beta1/namespaces/shop/externalsecrets/api-key");
    assert.deepEqual(patch.body, { metadata: { annotations: { "force-sync": stamp } } });
    assert.ok(
      run.log.operations.some((o) => o.verb === "patch" && o.resource === "externalsecrets" && o.patchType === "merge" && !o.dryRun),
    );
  });

  it("matches a Secret target to the ExternalSecret whose spec.target.name writes it, keeping its other annotations", async () => {
    const run = await h.run("rotate_secrets", { kind: "Secret", name: "db-password", namespace: "shop" }, {}, { client });
    assert.deepEqual(run.plan.before, { "metadata.annotations.force-sync": "1" });
    assert.match(run.plan.summary, /ExternalSecret shop\/db-creds to re-fetch Secret db-password/);
    const stored = s.get("externalsecrets", "shop", "db-creds")!;
    assert.equal(stored.metadata.annotations?.["force-sync"], run.applied.after["metadata.annotations.force-sync"]);
    assert.equal(stored.metadata.annotations?.["team"], "payments");
    // A Secret named like an ExternalSecret without target.name is that ExternalSecret's.
    const byName = await h.run("rotate_secrets", { kind: "Secret", name: "api-key", namespace: "shop" }, {}, { client, dryRun: true });
    assert.match(byName.plan.summary, /ExternalSecret shop\/api-key/);
  });

  it("dry run: the patch carries dryRun=All and nothing changes", async () => {
    const rv = s.get("externalsecrets", "shop", "db-creds")!.metadata.resourceVersion;
    const annotation = s.get("externalsecrets", "shop", "db-creds")!.metadata.annotations?.["force-sync"];
    await h.run("rotate_secrets", { kind: "ExternalSecret", name: "db-creds", namespace: "shop" }, {}, { client, dryRun: true });
    assert.equal(s.requests.filter((r) => r.method === "PATCH").at(-1)?.query["dryRun"], "All");
    assert.equal(s.get("externalsecrets", "shop", "db-creds")!.metadata.resourceVersion, rv);
    assert.equal(s.get("externalsecrets", "shop", "db-creds")!.metadata.annotations?.["force-sync"], annotation);
  });

  it("refuses a Secret nothing manages, one written by several ExternalSecrets, and a missing ExternalSecret", async () => {
    await assert.rejects(
      h.run("rotate_secrets", { kind: "Secret", name: "hand-made", namespace: "shop" }, {}, { client, dryRun: true }),
      /no ExternalSecret in namespace shop manages Secret hand-made/,
    );
    await assert.rejects(
      h.run("rotate_secrets", { kind: "Secret", name: "shared", namespace: "shop" }, {}, { client, dryRun: true }),
      /several ExternalSecrets write Secret shop\/shared \(shared-a, shared-b\)/,
    );
    await assert.rejects(
      h.run("rotate_secrets", { kind: "ExternalSecret", name: "gone", namespace: "shop" }, {}, { client, dryRun: true }),
      (err: unknown) => err instanceof ActionRefusal && /ExternalSecret shop\/gone does not exist/.test(err.message),
    );
  });
});

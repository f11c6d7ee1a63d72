// The RBAC test of issue #16: the executor runs as its ServiceAccount under the shipped ClusterRole
// (deploy/kubernetes/executor.yaml) minus one verb, `delete` on pods. restart_pod then needs exactly what is missing:
// its execution is one `failed` row whose error names the permission, published once, and the executor keeps going
// (no crash, no redelivery loop). Once the full ClusterRole is applied, a new proposal for the same action succeeds.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { parseAllDocuments, stringify } from "yaml";
import { type NatsServerHandle, startNats } from "@vigil/testing";
import { type ExecutorHarness, proposal, startExecutorHarness, waitFor } from "./harness.js";

type Obj = Record<string, any>;
const root = fileURLToPath(new URL("../../..", import.meta.url));
const manifest = (file: string): Obj[] => parseAllDocuments(readFileSync(`${root}/${file}`, "utf8")).map((d) => d.toJS() as Obj);

const shipped = manifest("deploy/kubernetes/executor.yaml");
const role = shipped.find((d) => d.kind === "ClusterRole")!;
const sa = shipped.find((d) => d.kind === "ServiceAccount")!;
const IDENTITY = `system:serviceaccount:${sa.metadata.namespace}:${sa.metadata.name}`;

/** The shipped rules without `delete` on core pods (the rule keeps its other verbs). */
const withoutPodDelete = (rules: Obj[]): Obj[] =>
  rules.map((r) =>
    r.apiGroups.includes("") && r.resources.includes("pods") ? { ...r, verbs: r.verbs.filter((v: string) => v !== "delete") } : r,
  );

const livePods = (h: ExecutorHarness) =>
  h.sim.list("Pod", "shop").filter((p: any) => p.metadata.labels?.app === "payments-api" && !p.metadata.deletionTimestamp) as Obj[];

describe("executor under RBAC (the shipped ClusterRole minus one verb)", () => {
  let nats: NatsServerHandle;
  let h: ExecutorHarness;
  before(async () => {
    nats = await startNats();
    const rbac = [
      ...manifest("deploy/kubernetes/webhook.yaml").filter((d) => d.kind === "Namespace"),
      sa,
      { ...role, rules: withoutPodDelete(role.rules) },
      shipped.find((d) => d.kind === "ClusterRoleBinding")!,
    ];
    h = await startExecutorHarness(nats.url, {
      scenario: "oom-crashloop",
      manifests: rbac.map((d) => stringify(d)).join("---\n"),
      identity: IDENTITY,
    });
  });
  after(async () => {
    await h?.stop();
    await nats?.stop();
  });

  it("records restart_pod as one clear failure naming the missing permission, then succeeds once the Role grants it", async () => {
    assert.ok(
      role.rules.some((r: Obj) => r.resources.includes("pods") && r.verbs.includes("delete")),
      "the shipped Role grants delete on pods",
    );
    const pod = livePods(h)[0]!;
    const target = { kind: "Pod", namespace: "shop", name: pod.metadata.name as string };

    const denied = proposal("restart_pod", target, {});
    await h.publish(denied);
    const row = await h.executionOf(denied.id, ["failed", "succeeded", "rejected", "dry_run"]);
    assert.equal(row.status, "failed", row.reason);
    assert.deepEqual(row.error.missingPermission, { apiGroup: "", resource: "pods", verb: "delete" });
    assert.equal(row.error.httpStatus, 403);
    for (const text of [row.reason, row.error.message]) {
      assert.match(text, /may not delete pods/, text);
      assert.match(text, /shop/, text);
    }
    assert.ok(h.sim.get("Pod", target.name, "shop"), "the pod is still there");
    assert.equal((h.sim.get("Pod", target.name, "shop") as Obj).metadata.deletionTimestamp, undefined);

    // The Role is fixed by an administrator; the executor, still running, picks it up on the next request.
    h.sim.patch("ClusterRole", role.metadata.name, { rules: role.rules }, { type: "merge" });
    const granted = proposal("restart_pod", target, {});
    await h.publish(granted);
    const ok = await h.executionOf(granted.id, ["failed", "succeeded", "rejected", "dry_run"]);
    assert.equal(ok.status, "succeeded", `${ok.reason} ${JSON.stringify(ok.error)}`);
    assert.equal(ok.error, null);
    assert.ok(
      ok.operations.some((op: Obj) => op.verb === "delete" && op.resource === "pods" && !op.dryRun),
      "the live delete is recorded",
    );
    await waitFor(() => !livePods(h).some((p) => p.metadata.uid === pod.metadata.uid), { message: "the pod was restarted" });

    // No retry loop: the refused proposal stayed one failed row, published once, after the second one was handled.
    const rows = (await h.api("/api/v1/actions?limit=500")).body.data.items.filter((r: Obj) => r.proposalId === denied.id);
    assert.equal(rows.length, 1);
    assert.equal(rows[0].status, "failed");
    assert.deepEqual(
      rows[0].transitions.map((t: Obj) => t.status),
      row.transitions.map((t: Obj) => t.status),
    );
    const published = (await h.executed()).filter((m) => m.proposalId === denied.id);
    assert.deepEqual(
      published.map((m) => [m.status, m.error?.missingPermission?.verb]),
      [["failed", "delete"]],
    );
    assert.equal((await fetch(`${h.executor.url}/readyz`)).status, 200, "the executor is still up and ready");
  });
});

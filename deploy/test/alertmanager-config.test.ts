// The Alertmanager → Vigil receiver for Kubernetes (deploy/kubernetes/alertmanager/alertmanagerconfig.yaml, for the
// Prometheus Operator): it points at the webhook Service the kustomize base deploys, on its port and path, from the
// namespace the webhook's NetworkPolicy admits; it says what the plain deploy/alertmanager/alertmanager.yml says; and
// rendered as the operator renders it (camelCase → Alertmanager's own keys), the real amtool accepts it.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { promisify } from "node:util";
import { parse, stringify } from "yaml";
import { kubectlMissing, kustomize, type Obj, objectOf, root } from "./kustomize-build.js";

const run = promisify(execFile);
const amc = parse(readFileSync(join(root, "deploy/kubernetes/alertmanager/alertmanagerconfig.yaml"), "utf8")) as Obj;
const plain = parse(readFileSync(join(root, "deploy/alertmanager/alertmanager.yml"), "utf8")) as Obj;
const hook = amc.spec.receivers[0].webhookConfigs[0] as Obj;

/**
 * The AlertmanagerConfig as the operator writes it into alertmanager.yml: its route a child of the root route (scoped
 * to its namespace by default), its receiver named `<namespace>/<name>/<receiver>`, its Secret mounted as a file.
 */
function rendered(): Obj {
  const r = amc.spec.route as Obj;
  const auth = hook.httpConfig.authorization as Obj;
  const name = `${amc.metadata.namespace}/${amc.metadata.name}/${r.receiver}`;
  return {
    route: {
      receiver: "null",
      routes: [
        {
          receiver: name,
          matchers: [`namespace="${amc.metadata.namespace}"`],
          group_by: r.groupBy,
          group_wait: r.groupWait,
          group_interval: r.groupInterval,
          repeat_interval: r.repeatInterval,
          continue: r.continue,
        },
      ],
    },
    receivers: [
      { name: "null" },
      {
        name,
        webhook_configs: [
          {
            url: hook.url,
            send_resolved: hook.sendResolved,
            max_alerts: hook.maxAlerts,
            http_config: {
              authorization: {
                type: auth.type,
                credentials_file: `/etc/alertmanager/secrets/${auth.credentials.name}/${auth.credentials.key}`,
              },
            },
          },
        ],
      },
    ],
  };
}

test("AlertmanagerConfig: the receiver posts resolved alerts, untruncated, to the webhook Service the base deploys", async (t) => {
  const missing = await kubectlMissing();
  if (missing) return t.skip(missing);
  assert.equal(amc.apiVersion, "monitoring.coreos.com/v1alpha1");
  assert.equal(amc.kind, "AlertmanagerConfig");
  assert.equal(amc.spec.route.receiver, amc.spec.receivers[0].name);
  const { objects } = await kustomize("base");
  const url = new URL(hook.url);
  const [service, namespace, svcSuffix] = url.hostname.split(".");
  assert.equal(svcSuffix, "svc");
  const svc = objectOf(objects, "Service", service!);
  assert.equal(svc.metadata.namespace, namespace);
  assert.ok(
    (svc.spec.ports as Obj[]).some((p) => p.port === Number(url.port)),
    `${hook.url}: the Service exposes ${(svc.spec.ports as Obj[]).map((p) => p.port).join(", ")}`,
  );
  assert.equal(url.pathname, "/alerts");
  assert.equal(hook.sendResolved, true);
  assert.equal(hook.maxAlerts, 0);
  // The bearer token Secret is the one the webhook reads (WEBHOOK_BEARER_TOKEN from vigil-webhook/bearer-token).
  const env = (objectOf(objects, "Deployment", "vigil-webhook").spec.template.spec.containers[0].env as Obj[]).find(
    (e) => e.name === "WEBHOOK_BEARER_TOKEN",
  );
  assert.deepEqual(
    [hook.httpConfig.authorization.credentials.name, hook.httpConfig.authorization.credentials.key],
    [env?.valueFrom.secretKeyRef.name, env?.valueFrom.secretKeyRef.key],
  );
  // The webhook's NetworkPolicy admits Alertmanager from the namespace this config lives in.
  const np = objectOf(objects, "NetworkPolicy", "webhook-from-alertmanager");
  const peer = np.spec.ingress[0].from[0] as Obj;
  assert.equal(peer.namespaceSelector.matchLabels["kubernetes.io/metadata.name"], amc.metadata.namespace);
  assert.deepEqual(
    np.spec.ingress[0].ports.map((p: Obj) => p.port),
    [Number(url.port)],
  );
});

test("AlertmanagerConfig: the same receiver and timers as deploy/alertmanager/alertmanager.yml", () => {
  const r = rendered();
  const plainHook = plain.receivers.find((x: Obj) => x.name === "vigil").webhook_configs[0] as Obj;
  const [hookOut] = r.receivers[1].webhook_configs as Obj[];
  for (const key of ["url", "send_resolved", "max_alerts"]) assert.deepEqual(hookOut![key], plainHook[key], key);
  for (const key of ["group_by", "group_wait", "group_interval", "repeat_interval"])
    assert.deepEqual(r.route.routes[0][key], plain.route[key], key);
});

test("AlertmanagerConfig: rendered as the operator renders it, amtool check-config accepts it", async (t) => {
  try {
    await run("amtool", ["--version"], { timeout: 10_000 });
  } catch {
    return t.skip("amtool is not installed (Debian: prometheus-alertmanager)");
  }
  const dir = await mkdtemp(join(tmpdir(), "vigil-amc-"));
  try {
    const file = join(dir, "alertmanager.yml");
    await writeFile(file, stringify(rendered()));
    const { stdout } = await run("amtool", ["check-config", file], { timeout: 20_000 });
    assert.match(stdout, /SUCCESS/);
    assert.match(stdout, /2 receivers/);
    // And it rejects what it should: the check is not a formality.
    const broken = rendered();
    broken.receivers[1].webhook_configs[0].url = "vigil-webhook:8080/alerts";
    await writeFile(file, stringify(broken));
    await assert.rejects(run("amtool", ["check-config", file], { timeout: 20_000 }), (err: { stdout?: string }) => {
      assert.match(err.stdout ?? "", /FAILED: unsupported scheme "vigil-webhook" for URL/);
      return true;
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

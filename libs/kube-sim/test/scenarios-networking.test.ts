// The networking scenarios: the symptom shows, the fix that works clears it (with real kubectl), and a plausible
// wrong fix (restarting pods) does not.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { KubeSim, Pod } from "../src/index.js";
import { describe, problems } from "./symptoms.js";
import { withScenarioKubectl, assertRecovers } from "./scenario-helpers.js";

/** After a wrong fix: some of the problem is still there. */
const assertStillBroken = async (sim: KubeSim, kind: string, object: RegExp): Promise<void> => {
  await sim.advance("5m");
  const left = await problems(sim);
  assert.ok(
    left.some((p) => p.kind === kind && object.test(p.object)),
    `expected ${kind} ${object} to remain:\n${describe(left)}`,
  );
};

const podsOf = (sim: KubeSim, ns: string, label: string, value: string): Pod[] =>
  sim.list<Pod>("Pod", ns).filter((p) => p.metadata.labels?.[label] === value);

const logOf = async (sim: KubeSim, p: Pod, previous = false): Promise<string> =>
  (
    await fetch(`${sim.url}/api/v1/namespaces/${p.metadata.namespace}/pods/${p.metadata.name}/log${previous ? "?previous=true" : ""}`)
  ).text();

test("service-selector-mismatch: no endpoints, checkout unready with ECONNREFUSED; restarting storefront does not help, fixing the selector does", async (t) => {
  await withScenarioKubectl(t, "service-selector-mismatch", async (sim, kubectl) => {
    const endpoints = await kubectl("-n", "shop", "get", "endpoints", "web");
    assert.match(endpoints, /^web\s+<none>\s+/m);
    const found = await problems(sim);
    assert.ok(
      found.some((p) => p.kind === "NotReady" && /^shop\/checkout-/.test(p.object)),
      describe(found),
    );
    const ip = sim.get("Service", "web", "shop")!.spec.clusterIP as string;
    for (const p of podsOf(sim, "shop", "app", "checkout")) {
      assert.ok((await logOf(sim, p)).includes(`ERROR upstream http://web.shop: Error: connect ECONNREFUSED ${ip}:80\n`));
    }
    assert.ok(
      podsOf(sim, "shop", "app", "storefront").every((p) => p.status?.containerStatuses?.[0]?.ready),
      "the backends are healthy",
    );

    // Wrong fix: restart the backends (or the clients): their labels stay the same.
    await kubectl("-n", "shop", "rollout", "restart", "deployment/storefront");
    await kubectl("-n", "shop", "rollout", "restart", "deployment/checkout");
    await assertStillBroken(sim, "NotReady", /^shop\/checkout-/);

    await kubectl("-n", "shop", "patch", "service", "web", "-p", '{"spec":{"selector":{"app":"storefront"}}}');
    await assertRecovers(sim, "1m");
    assert.doesNotMatch(await kubectl("-n", "shop", "get", "endpoints", "web"), /<none>/);
  });
});

test("ingress-missing-backend: ingress-nginx warns, the uptime probe gets 503; restarting the controller does not help, fixing the backend does", async (t) => {
  await withScenarioKubectl(t, "ingress-missing-backend", async (sim, kubectl) => {
    const [controller] = podsOf(sim, "ingress-nginx", "app.kubernetes.io/name", "ingress-nginx");
    assert.equal(controller!.status?.containerStatuses?.[0]?.ready, true, "the controller itself is healthy");
    assert.match(
      await logOf(sim, controller!),
      /^W\d{4} [\d:.]+ {7}7 controller\.go:\d+\] Error obtaining Endpoints for Service "shop\/web": no object matching key "shop\/web" in local store$/m,
    );
    assert.match(await kubectl("-n", "shop", "describe", "ingress", "shop"), /\/ +web:80 \(<error: services "web" not found>\)/);
    const found = await problems(sim);
    assert.ok(
      found.some((p) => p.kind === "NotReady" && /^monitoring\/uptime-probe-/.test(p.object)),
      describe(found),
    );
    const [probe] = podsOf(sim, "monitoring", "app", "uptime-probe");
    assert.match(await logOf(sim, probe!), /ERROR upstream http:\/\/shop\.example\.com: Request failed with status code 503/);

    // Wrong fixes: restart the controller; create a Service "web" that selects nothing.
    await kubectl("-n", "ingress-nginx", "rollout", "restart", "deployment/ingress-nginx-controller");
    await kubectl("-n", "shop", "create", "service", "clusterip", "web", "--tcp=80:8080");
    await assertStillBroken(sim, "NotReady", /^monitoring\/uptime-probe-/);
    const [restarted] = podsOf(sim, "ingress-nginx", "app.kubernetes.io/name", "ingress-nginx").filter(
      (p) => p.status?.phase === "Running",
    );
    assert.match(await logOf(sim, restarted!), /Service "shop\/web" does not have any active Endpoint\.$/m);

    await kubectl(
      "-n",
      "shop",
      "patch",
      "ingress",
      "shop",
      "--type=json",
      "-p",
      '[{"op":"replace","path":"/spec/rules/0/http/paths/0/backend/service/name","value":"storefront"}]',
    );
    await assertRecovers(sim, "1m");
  });
});

test("coredns-down: coredns OOMKilled, clients log EAI_AGAIN; restarting clients does not help, raising coredns's memory limit does", async (t) => {
  await withScenarioKubectl(t, "coredns-down", async (sim, kubectl) => {
    const found = await problems(sim);
    assert.ok(
      found.some((p) => p.kind === "OOMKilled" && /^kube-system\/coredns-/.test(p.object)),
      describe(found),
    );
    assert.ok(
      found.some((p) => p.kind === "CrashLoopBackOff" && /^shop\/checkout-/.test(p.object)),
      describe(found),
    );
    assert.ok(
      found.some((p) => p.kind === "NotReady" && /^shop\/web-/.test(p.object)),
      describe(found),
    );
    // The pods are listed under notReadyAddresses only, which kubectl prints as an empty ENDPOINTS column.
    assert.match(await kubectl("-n", "kube-system", "get", "endpoints", "kube-dns"), /^kube-dns {3,}\d+m\n/m);
    for (const p of podsOf(sim, "shop", "app", "checkout")) {
      assert.equal(await logOf(sim, p, true), "FATAL: DATABASE_URL: Error: getaddrinfo EAI_AGAIN postgres.shop.svc.cluster.local\n");
    }
    for (const p of podsOf(sim, "shop", "app", "web"))
      assert.match(await logOf(sim, p), /ERROR upstream http:\/\/catalog:8080: Error: getaddrinfo EAI_AGAIN catalog\n$/);

    // Wrong fixes: restart the clients, and CoreDNS with the same limit.
    await kubectl("-n", "shop", "rollout", "restart", "deployment/checkout", "deployment/web");
    await kubectl("-n", "kube-system", "rollout", "restart", "deployment/coredns");
    await assertStillBroken(sim, "CrashLoopBackOff", /^shop\/checkout-/);

    await kubectl("-n", "kube-system", "set", "resources", "deployment/coredns", "--limits=memory=256Mi");
    await assertRecovers(sim);
  });
});

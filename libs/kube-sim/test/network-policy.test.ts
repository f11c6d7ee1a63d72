// NetworkPolicy with an effect: networking.k8s.io/v1 semantics (isolation per direction, additive rules, peers and
// ports), and what apps see when a policy cuts them off: timeouts in their logs and failing readiness, DNS lookups
// timing out under a default-deny egress, and recovery once the policy goes. Kubelet probes are never blocked.
import { test } from "node:test";
import assert from "node:assert/strict";
import { KubeSim, type KubeObject, type Pod } from "../src/index.js";
import { connectionAllowed, policyTypes } from "../src/kubelet/network-policy.js";
import { kubectlFor, kubectlMissing } from "./kubectl-helpers.js";
import { nodes } from "./sim-helpers.js";

const pod = (
  name: string,
  ns: string,
  labels: Record<string, string>,
  ports: Array<{ name: string; containerPort: number }> = [],
): KubeObject => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name, namespace: ns, labels },
  spec: { containers: [{ name: "app", image: "nginx:1.27", ports }] },
});

const policy = (name: string, ns: string, spec: Record<string, unknown>): KubeObject => ({
  apiVersion: "networking.k8s.io/v1",
  kind: "NetworkPolicy",
  metadata: { name, namespace: ns },
  spec,
});

const withSim = async (body: (sim: KubeSim) => Promise<void>, opts: Parameters<typeof KubeSim.start>[0] = {}): Promise<void> => {
  const sim = await KubeSim.start(opts);
  try {
    await body(sim);
  } finally {
    await sim.stop();
  }
};

test("NetworkPolicy semantics: isolation per direction, additive rules, podSelector/namespaceSelector/ipBlock peers, ports", async () => {
  await withSim(async (sim) => {
    sim.load([
      ...nodes(1),
      pod("a", "x", { app: "a" }),
      pod("b", "x", { app: "b" }, [{ name: "http", containerPort: 8080 }]),
      pod("c", "y", { app: "c" }),
    ]);
    await sim.advance("5s");
    const get = (name: string, ns: string) => sim.get<Pod>("Pod", name, ns)!;
    const [a, b, c] = [get("a", "x"), get("b", "x"), get("c", "y")];
    const peer = (p: Pod) => ({ pod: p, ip: p.status!.podIP! });
    const allowed = (from: Pod, to: Pod, port: number) => connectionAllowed(sim.cluster, peer(from), to, port);
    assert.ok(allowed(a, b, 8080) && allowed(c, b, 8080) && allowed(b, a, 80), "no policy: everything is allowed");

    sim.load([policy("deny-b", "x", { podSelector: { matchLabels: { app: "b" } }, policyTypes: ["Ingress"] })]);
    assert.equal(allowed(a, b, 8080), false, "b is isolated for ingress and nothing allows it");
    assert.ok(allowed(b, a, 80), "b's egress is not isolated");

    sim.load([
      policy("a-to-b", "x", {
        podSelector: { matchLabels: { app: "b" } },
        ingress: [{ from: [{ podSelector: { matchLabels: { app: "a" } } }], ports: [{ port: "http" }] }],
      }),
    ]);
    assert.ok(allowed(a, b, 8080), "policies add up: a may reach b's named port http");
    assert.equal(allowed(a, b, 9090), false, "only that port");
    assert.equal(allowed(c, b, 8080), false, "a podSelector alone means pods of the policy's namespace");

    sim.load([
      policy("y-to-b", "x", {
        podSelector: { matchLabels: { app: "b" } },
        ingress: [
          {
            from: [
              { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "y" } }, podSelector: { matchLabels: { app: "nope" } } },
            ],
          },
        ],
      }),
    ]);
    assert.equal(allowed(c, b, 8080), false, "namespaceSelector and podSelector in one peer must both match");
    sim.load([
      policy("ip-to-b", "x", {
        podSelector: { matchLabels: { app: "b" } },
        ingress: [{ from: [{ ipBlock: { cidr: `${c.status!.podIP}/32` } }] }],
      }),
    ]);
    assert.ok(allowed(c, b, 8080), "an ipBlock matches the pod's address");
    sim.load([
      policy("ip-except", "x", {
        podSelector: { matchLabels: { app: "b" } },
        ingress: [{ from: [{ ipBlock: { cidr: "0.0.0.0/0", except: [`${a.status!.podIP}/32`] } }] }],
      }),
    ]);
    assert.ok(allowed(c, b, 9090), "any address, any port");
    assert.equal(allowed(a, b, 9090), false, "except carves a's address out");

    const egress = policy("a-egress", "x", {
      podSelector: { matchLabels: { app: "a" } },
      egress: [{ to: [{ podSelector: { matchLabels: { app: "b" } } }] }],
    });
    assert.deepEqual(policyTypes(egress), ["Ingress", "Egress"], "egress rules without policyTypes imply Egress");
    sim.load([egress]);
    assert.equal(allowed(a, c, 80), false, "a is isolated for egress: only b is allowed");
    assert.ok(allowed(a, b, 8080));
    assert.equal(allowed(c, a, 80), false, "the implied Ingress type isolates a's ingress too");
  });
});

const shop = (upstreamAnnotations: Record<string, string>): KubeObject[] => [
  ...nodes(2),
  {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: "catalog", namespace: "shop" },
    spec: { selector: { app: "catalog" }, ports: [{ name: "http", port: 8080, targetPort: 8080 }] },
  },
  workload("catalog", {}),
  workload("web", upstreamAnnotations),
];

const workload = (name: string, annotations: Record<string, string>): KubeObject => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name, namespace: "shop", labels: { app: name } },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: name } },
    template: {
      metadata: { labels: { app: name }, annotations },
      spec: {
        containers: [
          {
            name,
            image: `shop/${name}:1.0`,
            ports: [{ name: "http", containerPort: 8080 }],
            readinessProbe: { httpGet: { path: "/ready", port: "http" }, periodSeconds: 10 },
          },
        ],
      },
    },
  },
});

const ready = (sim: KubeSim, app: string): boolean[] =>
  sim
    .list<Pod>("Pod", "shop")
    .filter((p) => p.metadata.labels?.app === app)
    .map((p) => p.status?.containerStatuses?.[0]?.ready === true);

const logsOf = async (sim: KubeSim, app: string): Promise<string[]> =>
  Promise.all(
    sim
      .list<Pod>("Pod", "shop")
      .filter((p) => p.metadata.labels?.app === app)
      .map(async (p) => (await fetch(`${sim.url}/api/v1/namespaces/shop/pods/${p.metadata.name}/log`)).text()),
  );

test("quarantine: deny-all ingress on catalog makes web time out and fail readiness; catalog's own probes pass; removing it recovers (kubectl)", async (t) => {
  const missing = await kubectlMissing();
  if (missing) return t.skip(missing);
  await withSim(async (sim) => {
    sim.load(shop({ "sim.vigil.dev/upstreams": "http://catalog:8080" }));
    await sim.advance("1m");
    assert.deepEqual([...ready(sim, "web"), ...ready(sim, "catalog")], [true, true, true, true]);
    const kubectl = await kubectlFor(sim);
    try {
      await kubectl.apply(
        policy("quarantine-catalog", "shop", { podSelector: { matchLabels: { app: "catalog" } }, policyTypes: ["Ingress"] }),
      );
      await sim.advance("1m");
      assert.deepEqual(ready(sim, "web"), [false, false], "web's readiness fails");
      assert.deepEqual(ready(sim, "catalog"), [true, true], "kubelet probes from the node are not blocked");
      const ip = sim.get("Service", "catalog", "shop")!.spec.clusterIP as string;
      for (const log of await logsOf(sim, "web"))
        assert.ok(log.includes(`ERROR upstream http://catalog:8080: Error: connect ETIMEDOUT ${ip}:8080\n`), log);
      const unhealthy = sim.events().filter((e) => e.reason === "Unhealthy");
      assert.ok(unhealthy.length > 0 && unhealthy.every((e) => /^web-/.test((e.involvedObject as { name: string }).name)));

      await kubectl("-n", "shop", "delete", "networkpolicy", "quarantine-catalog");
      await sim.advance("40s");
      assert.deepEqual(ready(sim, "web"), [true, true]);
    } finally {
      await kubectl.close();
    }
  });
});

test("an app that connects at start-up and is cut off by egress policy crash-loops with ETIMEDOUT", async () => {
  await withSim(async (sim) => {
    const objects = shop({ "sim.vigil.dev/requires-service-url": "CATALOG_URL=http" });
    const web = objects.at(-1)!;
    web.spec.template.spec.containers[0].env = [{ name: "CATALOG_URL", value: "http://catalog.shop.svc.cluster.local:8080" }];
    sim.load([...objects, policy("web-egress", "shop", { podSelector: { matchLabels: { app: "web" } }, policyTypes: ["Egress"] })]);
    await sim.advance("2m");
    const ip = sim.get("Service", "catalog", "shop")!.spec.clusterIP as string;
    for (const p of sim.list<Pod>("Pod", "shop").filter((p) => p.metadata.labels?.app === "web")) {
      assert.ok((p.status!.containerStatuses![0]!.restartCount ?? 0) > 0);
      const prev = await (await fetch(`${sim.url}/api/v1/namespaces/shop/pods/${p.metadata.name}/log?previous=true`)).text();
      assert.equal(prev, `FATAL: CATALOG_URL: Error: connect ETIMEDOUT ${ip}:8080\n`);
    }
  });
});

test("default-deny egress breaks DNS where CoreDNS runs (EAI_AGAIN); allowing DNS, then the upstream, restores it", async () => {
  await withSim(async (sim) => {
    sim.load([
      {
        apiVersion: "v1",
        kind: "Service",
        metadata: { name: "kube-dns", namespace: "kube-system" },
        spec: { selector: { "k8s-app": "kube-dns" }, ports: [{ name: "dns", port: 53, protocol: "UDP", targetPort: 53 }] },
      },
      {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: "coredns", namespace: "kube-system" },
        spec: {
          replicas: 1,
          selector: { matchLabels: { "k8s-app": "kube-dns" } },
          template: {
            metadata: { labels: { "k8s-app": "kube-dns" } },
            spec: { containers: [{ name: "coredns", image: "registry.k8s.io/coredns/coredns:v1.11.3" }] },
          },
        },
      },
      ...shop({ "sim.vigil.dev/upstreams": "http://catalog:8080" }),
    ]);
    await sim.advance("1m");
    assert.deepEqual(ready(sim, "web"), [true, true]);
    sim.load([policy("default-deny-egress", "shop", { podSelector: {}, policyTypes: ["Egress"] })]);
    await sim.advance("1m");
    assert.deepEqual(ready(sim, "web"), [false, false]);
    for (const log of await logsOf(sim, "web"))
      assert.match(log, /ERROR upstream http:\/\/catalog:8080: Error: getaddrinfo EAI_AGAIN catalog\n$/);

    sim.load([
      policy("allow-dns", "shop", {
        podSelector: {},
        policyTypes: ["Egress"],
        egress: [
          {
            to: [
              {
                namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } },
                podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
              },
            ],
            ports: [{ protocol: "UDP", port: 53 }],
          },
        ],
      }),
    ]);
    await sim.advance("30s");
    for (const log of await logsOf(sim, "web"))
      assert.match(log, /Error: connect ETIMEDOUT [\d.]+:8080\n$/, "names resolve; catalog is still blocked");

    sim.load([
      policy("allow-catalog", "shop", {
        podSelector: { matchLabels: { app: "web" } },
        egress: [{ to: [{ podSelector: { matchLabels: { app: "catalog" } } }] }],
      }),
    ]);
    await sim.advance("40s");
    assert.deepEqual(ready(sim, "web"), [true, true]);
  });
});

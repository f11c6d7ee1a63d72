// The closed world: only published images pull, and an app's configuration must name a Service that exists, on its
// port, with ready endpoints. Wrong remediations (a misspelt tag, a garbage DATABASE_URL) must not look right.
import { test } from "node:test";
import assert from "node:assert/strict";
import { KubeSim, type Pod } from "../src/index.js";
import { imageID } from "../src/kubelet/images.js";
import { kubectlFor, kubectlMissing } from "./kubectl-helpers.js";
import { deployment, nodes } from "./sim-helpers.js";
import { describe, problems } from "./symptoms.js";
import { withScenario, assertRecovers } from "./scenario-helpers.js";

const podsOf = (sim: KubeSim, ns: string, app: string): Pod[] => sim.list<Pod>("Pod", ns).filter((p) => p.metadata.labels?.app === app);

const waitingReason = (p: Pod): string | undefined => p.status?.containerStatuses?.[0]?.state.waiting?.reason as string | undefined;

const previousLog = async (sim: KubeSim, p: Pod): Promise<string> =>
  (await fetch(`${sim.url}/api/v1/namespaces/${p.metadata.namespace}/pods/${p.metadata.name}/log?previous=true`)).text();

const currentLog = async (sim: KubeSim, p: Pod): Promise<string> =>
  (await fetch(`${sim.url}/api/v1/namespaces/${p.metadata.namespace}/pods/${p.metadata.name}/log`)).text();

test("image-pull-backoff: set image to a misspelt tag does not fix it; the published tag does (kubectl)", async (t) => {
  const missing = await kubectlMissing();
  if (missing) return t.skip(missing);
  await withScenario("image-pull-backoff", async (sim) => {
    const kubectl = await kubectlFor(sim);
    try {
      await kubectl("-n", "shop", "set", "image", "deployment/catalog", "catalog=shop/catalog:1.7.5");
      await sim.advance("2m");
      const wrong = podsOf(sim, "shop", "catalog").filter((p) => p.spec.containers[0]!.image === "shop/catalog:1.7.5");
      assert.ok(wrong.length > 0, "the rollout creates pods with the new tag");
      for (const p of wrong) assert.match(waitingReason(p) ?? "", /^(ErrImagePull|ImagePullBackOff)$/);
      const ref = "docker.io/shop/catalog:1.7.5";
      assert.ok(
        sim
          .events()
          .some(
            (e) =>
              e.message ===
              `Failed to pull image "shop/catalog:1.7.5": rpc error: code = NotFound desc = failed to pull and unpack image "${ref}": failed to resolve reference "${ref}": ${ref}: not found`,
          ),
        "containerd's NotFound wording",
      );
      const found = await problems(sim);
      assert.ok(
        found.some((p) => p.kind === "ImagePullBackOff" || p.kind === "ErrImagePull"),
        describe(found),
      );

      await kubectl("-n", "shop", "set", "image", "deployment/catalog", "catalog=shop/catalog:1.7.4");
      await assertRecovers(sim);
    } finally {
      await kubectl.close();
    }
  });
});

test("registry: push publishes a release; a digest pulls only when it is a known image's; scenario images are known", async () => {
  await withScenario("image-pull-backoff", async (sim) => {
    const reg = sim.registry;
    assert.equal(reg.closed, true, "a loaded scenario closes the registry");
    assert.ok(reg.has("shop/catalog:1.7.4") && reg.has("docker.io/shop/catalog:1.7.4"), "the running tag, as containerd normalises it");
    assert.ok(reg.has("shop/catalog:1.7.2"), "declared in spec.registry.images");
    assert.equal(reg.has("shop/catalog:1.8.0-rc1"), false);
    assert.equal(reg.has("shop/catalog"), false, "no :latest was pushed");

    const digest = imageID("shop/catalog:1.7.4").split("@")[1]!;
    assert.ok(reg.has(`shop/catalog@${digest}`) && reg.has(`shop/catalog:whatever@${digest}`), "by digest, the tag ignored");
    assert.equal(reg.has(`shop/catalog@sha256:${"0".repeat(64)}`), false);

    // Publishing the release candidate makes the stuck rollout go through.
    reg.push("shop/catalog:1.8.0-rc1");
    await assertRecovers(sim);
    assert.ok(podsOf(sim, "shop", "catalog").every((p) => p.status?.containerStatuses?.[0]?.image === "docker.io/shop/catalog:1.8.0-rc1"));
  });
});

test("registry: open without a scenario (any image pulls); closed on request, publishing what sim.load() creates", async () => {
  const open = await KubeSim.start();
  try {
    assert.equal(open.registry.closed, false);
    open.load([...nodes(1), deployment("web", { image: "never/pushed:0.0.1" })]);
    await open.advance("30s");
    assert.ok(open.list<Pod>("Pod").every((p) => p.status?.containerStatuses?.every((c) => c.ready)));
  } finally {
    await open.stop();
  }
  const closed = await KubeSim.start({ registry: "closed" });
  try {
    closed.load([...nodes(1), deployment("web", { image: "shop/web:1.0" })]);
    await closed.advance("30s");
    assert.ok(
      closed.list<Pod>("Pod").every((p) => p.status?.containerStatuses?.every((c) => c.ready)),
      "loaded images are published",
    );
    closed.patch("Deployment", "web", { spec: { template: { spec: { containers: [{ name: "app", image: "shop/web:1.1" }] } } } });
    await closed.advance("1m");
    const pulling = closed.list<Pod>("Pod").filter((p) => p.spec.containers[0]!.image === "shop/web:1.1");
    assert.ok(pulling.length > 0 && pulling.every((p) => /ImagePull/.test(waitingReason(p) ?? "")));
  } finally {
    await closed.stop();
  }
});

test("bad-config-crashloop: garbage, a wrong host, port or scheme keep crashing with the client's error; the right URL fixes it (kubectl set env)", async (t) => {
  const missing = await kubectlMissing();
  if (missing) return t.skip(missing);
  await withScenario("bad-config-crashloop", async (sim) => {
    const kubectl = await kubectlFor(sim);
    const db = sim.get("Service", "postgres", "shop")!.spec.clusterIP as string;
    const cases: Array<[string, string]> = [
      ["garbage", "FATAL: DATABASE_URL: TypeError [ERR_INVALID_URL]: Invalid URL"],
      ["postgres://postgress.shop.svc:5432/orders", "FATAL: DATABASE_URL: Error: getaddrinfo ENOTFOUND postgress.shop.svc"],
      ["postgres://postgres.shop.svc:5433/orders", `FATAL: DATABASE_URL: Error: connect ETIMEDOUT ${db}:5433`],
      ["mysql://postgres.shop.svc:5432/orders", 'FATAL: DATABASE_URL: unsupported protocol "mysql:" (expected postgres:, postgresql:)'],
      [
        "postgres://postgres.default.svc.cluster.local:5432/orders",
        "FATAL: DATABASE_URL: Error: getaddrinfo ENOTFOUND postgres.default.svc.cluster.local",
      ],
    ];
    try {
      for (const [value, line] of cases) {
        await kubectl("-n", "shop", "set", "env", "deployment/orders", `DATABASE_URL=${value}`);
        await sim.advance("1m");
        const pods = podsOf(sim, "shop", "orders").filter((p) => p.spec.containers[0]!.env?.some((e) => e.value === value));
        assert.ok(pods.length > 0, `pods with DATABASE_URL=${value}`);
        for (const p of pods) {
          const cs = p.status!.containerStatuses![0]!;
          assert.equal(cs.ready, false, value);
          assert.equal((cs.lastState.terminated ?? cs.state.terminated)?.exitCode, 1, value);
          assert.equal((await previousLog(sim, p)).trim(), line);
        }
      }
      // A short name resolves in the pod's own namespace.
      await kubectl("-n", "shop", "set", "env", "deployment/orders", "DATABASE_URL=postgres://orders:s3cret@postgres:5432/orders");
      await assertRecovers(sim);
    } finally {
      await kubectl.close();
    }
  });
});

test("a running app whose database loses its endpoints fails readiness and logs ECONNREFUSED, then recovers", async (t) => {
  const missing = await kubectlMissing();
  if (missing) return t.skip(missing);
  await withScenario("bad-config-crashloop", async (sim) => {
    const kubectl = await kubectlFor(sim);
    try {
      await kubectl(
        "-n",
        "shop",
        "patch",
        "configmap",
        "orders-config",
        "--type=merge",
        "-p",
        '{"data":{"DATABASE_URL":"postgres://postgres.shop.svc:5432/orders"}}',
      );
      await assertRecovers(sim);
      const db = sim.get("Service", "postgres", "shop")!.spec.clusterIP as string;

      const restarts = new Map(podsOf(sim, "shop", "orders").map((p) => [p.metadata.name, p.status!.containerStatuses![0]!.restartCount]));
      await kubectl("-n", "shop", "scale", "deployment/postgres", "--replicas=0");
      await sim.advance("1m");
      const orders = podsOf(sim, "shop", "orders");
      assert.ok(orders.length > 0 && orders.every((p) => p.status?.containerStatuses?.[0]?.ready === false), "orders loses readiness");
      for (const p of orders) {
        assert.equal(
          p.status!.containerStatuses![0]!.restartCount,
          restarts.get(p.metadata.name),
          "a running app does not crash: it retries",
        );
        assert.match(
          await currentLog(sim, p),
          new RegExp(`ERROR DATABASE_URL: Error: connect ECONNREFUSED ${db.replace(/\./g, "\\.")}:5432\n`),
        );
      }
      assert.ok(sim.events().some((e) => e.reason === "Unhealthy" && /^orders-/.test(String((e.involvedObject as { name: string }).name))));

      await kubectl("-n", "shop", "scale", "deployment/postgres", "--replicas=1");
      await sim.advance("1m");
      for (const p of podsOf(sim, "shop", "orders")) {
        assert.equal(p.status!.containerStatuses![0]!.ready, true);
        assert.match(await currentLog(sim, p), /INFO all upstreams reachable again\n$/);
      }
    } finally {
      await kubectl.close();
    }
  });
});

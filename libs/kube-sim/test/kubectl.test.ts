// Drives the simulator with a real kubectl (Debian package kubernetes-client, or any kubectl on PATH).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { KubeSim, Pod } from "../src/index.js";
import { deployment, nodes, startSim } from "./sim-helpers.js";

const run = promisify(execFile);
let sim: KubeSim;
let dir: string;
let kubectlMissing: string | undefined;

before(async () => {
  try {
    // Any client version validates as it would against a real server: /openapi/v2 (protobuf) and /openapi/v3 are served.
    const { stdout } = await run("kubectl", ["version", "--client", "-o", "json"]);
    console.log(`# kubectl 1.${(JSON.parse(stdout) as { clientVersion: { minor: string } }).clientVersion.minor}`);
  } catch {
    kubectlMissing = "kubectl is not installed (apt-get install -y kubernetes-client)";
  }
  sim = await startSim();
  sim.load(nodes(3));
  dir = await mkdtemp(join(tmpdir(), "kube-sim-kubectl-"));
  await sim.writeKubeconfig(join(dir, "kubeconfig"));
});
after(async () => {
  await sim.stop();
  await rm(dir, { recursive: true, force: true });
});

const kubectl = async (...args: string[]): Promise<string> => {
  const { stdout } = await run("kubectl", ["--kubeconfig", join(dir, "kubeconfig"), "--cache-dir", join(dir, "cache"), ...args], {
    env: { ...process.env, HOME: dir },
    timeout: 60_000,
  });
  return stdout;
};

const kubectlFails = async (...args: string[]): Promise<string> => {
  try {
    await kubectl(...args);
  } catch (err) {
    return (err as { stderr: string }).stderr;
  }
  throw new Error(`kubectl ${args.join(" ")} succeeded unexpectedly`);
};

const apply = async (obj: unknown): Promise<void> => {
  const file = join(dir, `m-${Math.random().toString(36).slice(2)}.json`);
  await writeFile(file, JSON.stringify(obj));
  await kubectl("create", "-f", file);
};

test("get: tables and -o json across kinds", async (t) => {
  if (kubectlMissing) return t.skip(kubectlMissing);
  await apply(deployment("web", { replicas: 2 }));
  await sim.advance("30s");
  const nodesTable = await kubectl("get", "nodes");
  assert.match(nodesTable, /^NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION/m);
  assert.match(nodesTable, /^worker-1\s+Ready\s+<none>\s+\S+\s+v1\.31\.0/m);
  const pods = await kubectl("get", "pods", "-o", "wide");
  assert.match(pods, /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE/m);
  assert.equal(pods.split("\n").filter((l) => /^web-\S+\s+2\/2\s+Running\s+0/.test(l)).length, 2);
  const multi = await kubectl("get", "deploy,rs,svc");
  assert.match(multi, /deployment\.apps\/web\s+2\/2\s+2\s+2/);
  assert.match(multi, /replicaset\.apps\/web-[a-z0-9]+\s+2\s+2\s+2/);
  assert.match(multi, /service\/kubernetes\s+ClusterIP\s+10\.96\.0\.1/);
  const json = JSON.parse(await kubectl("get", "pods", "-l", "app=web", "-o", "json")) as { kind: string; items: Pod[] };
  assert.equal(json.kind, "List");
  assert.equal(json.items.length, 2);
  assert.ok(json.items.every((p) => p.status?.phase === "Running"));
  const one = JSON.parse(await kubectl("get", "deployment", "web", "-o", "json")) as { spec: { replicas: number } };
  assert.equal(one.spec.replicas, 2);
  assert.match(await kubectlFails("get", "pod", "nope"), /Error from server \(NotFound\): pods "nope" not found/);
});

test("describe pod shows status and events", async (t) => {
  if (kubectlMissing) return t.skip(kubectlMissing);
  const pod = sim.list<Pod>("Pod", "default").find((p) => p.metadata.name!.startsWith("web-"))!;
  const out = await kubectl("describe", "pod", pod.metadata.name!);
  assert.match(out, new RegExp(`^Name:\\s+${pod.metadata.name}`, "m"));
  assert.match(out, /^Status:\s+Running/m);
  assert.match(out, /^Controlled By:\s+ReplicaSet\/web-/m);
  assert.match(out, /^Events:/m);
  assert.match(out, /Normal\s+Scheduled\s+\S+\s+default-scheduler\s+Successfully assigned default\//);
  assert.match(out, /Normal\s+Started\s+\S+\s+kubelet\s+Started container app/);
});

test("scale, patch (three types) and delete", async (t) => {
  if (kubectlMissing) return t.skip(kubectlMissing);
  assert.match(await kubectl("scale", "deployment", "web", "--replicas=4"), /deployment\.apps\/web scaled/);
  await sim.advance("30s");
  assert.equal(sim.list<Pod>("Pod", "default").filter((p) => p.metadata.labels?.app === "web").length, 4);

  await kubectl(
    "patch",
    "deployment",
    "web",
    "-p",
    JSON.stringify({ spec: { template: { spec: { containers: [{ name: "app", image: "nginx:1.28" }] } } } }),
  );
  await kubectl("patch", "deployment", "web", "--type=merge", "-p", JSON.stringify({ metadata: { labels: { owner: "sre" } } }));
  await kubectl(
    "patch",
    "deployment",
    "web",
    "--type=json",
    "-p",
    JSON.stringify([{ op: "replace", path: "/spec/template/spec/containers/0/resources/limits/memory", value: "256Mi" }]),
  );
  const d = sim.get("Deployment", "web")!;
  assert.equal(d.metadata.labels!.owner, "sre");
  assert.deepEqual(
    d.spec.template.spec.containers.map((c: { image: string }) => c.image),
    ["nginx:1.28", "envoyproxy/envoy:v1.31.0"],
  );
  assert.equal(d.spec.template.spec.containers[0].resources.limits.memory, "256Mi");

  await sim.advance("2m");
  const rollout = await kubectl("rollout", "status", "deployment/web", "--timeout=10s");
  assert.match(rollout, /successfully rolled out/);
  await kubectl("rollout", "undo", "deployment/web");
  await sim.advance("2m");
  assert.equal(sim.get("Deployment", "web")!.spec.template.spec.containers[0].image, "nginx:1.28");

  assert.match(await kubectl("delete", "deployment", "web"), /deployment\.apps "web" deleted/);
  await sim.advance("5s");
  assert.equal(
    sim.list<Pod>("Pod", "default").filter((p) => p.metadata.labels?.app === "web").length,
    0,
    "garbage collector removed the pods",
  );
});

test("cordon and drain --ignore-daemonsets", async (t) => {
  if (kubectlMissing) return t.skip(kubectlMissing);
  await apply(deployment("api", { replicas: 3 }));
  await apply({
    apiVersion: "apps/v1",
    kind: "DaemonSet",
    metadata: { name: "agent", namespace: "default" },
    spec: {
      selector: { matchLabels: { app: "agent" } },
      template: { metadata: { labels: { app: "agent" } }, spec: { containers: [{ name: "agent", image: "vigil/agent:1" }] } },
    },
  });
  await sim.advance("30s");
  assert.match(await kubectl("cordon", "worker-1"), /node\/worker-1 cordoned/);
  assert.equal(sim.get("Node", "worker-1")!.spec.unschedulable, true);
  assert.match(await kubectl("get", "node", "worker-1"), /Ready,SchedulingDisabled/);

  const drain = await kubectl("drain", "worker-1", "--ignore-daemonsets", "--timeout=60s");
  assert.match(drain, /node\/worker-1 (drained|evicted)/);
  await sim.advance("30s");
  const onNode = sim.list<Pod>("Pod").filter((p) => p.spec.nodeName === "worker-1");
  assert.deepEqual(
    onNode.map((p) => p.metadata.labels?.app),
    ["agent"],
    "only the DaemonSet pod stays on the drained node",
  );
  assert.equal(sim.list<Pod>("Pod", "default").filter((p) => p.metadata.labels?.app === "api" && p.status?.phase === "Running").length, 3);
  assert.match(await kubectl("uncordon", "worker-1"), /node\/worker-1 uncordoned/);
});

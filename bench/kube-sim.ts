// `npm run bench:kube-sim`: how fast the simulator loads a large cluster and how quickly a watch sees a change.
// Goals (issue #3): 500 nodes and 5,000 pods load in under 5 s; a watch delivers a change in under 50 ms.
// The HTTP clients authenticate as a ServiceAccount bound by RBAC (not the admin), so every request is authorized.
import { cpus } from "node:os";
import { request } from "node:http";
import { KubeSim, type KubeObject, type Pod } from "@vigil/kube-sim";
import { startNats } from "@vigil/testing";
import { benchCluster, clusterSize } from "./lib/bench-cluster.js";
import { calibrationLine, stockPublishRate } from "./lib/calibration.js";

const { nodes: NODES, deployments: DEPLOYMENTS, replicas: REPLICAS, barePods: BARE_PODS } = clusterSize;
const WRITES = Number(process.env.BENCH_WRITES ?? 300);

const BENCH_USER = "system:serviceaccount:bench:watcher";

/** What the bench's client may do: read and label pods, cluster-wide, through a ClusterRoleBinding. */
const rbac = (): KubeObject[] => [
  { apiVersion: "v1", kind: "Namespace", metadata: { name: "bench" } },
  { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "watcher", namespace: "bench" } },
  {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "ClusterRole",
    metadata: { name: "bench-pods" },
    rules: [{ apiGroups: [""], resources: ["pods"], verbs: ["get", "list", "watch", "patch"] }],
  },
  {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "ClusterRoleBinding",
    metadata: { name: "bench-pods" },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "bench-pods" },
    subjects: [{ kind: "ServiceAccount", name: "watcher", namespace: "bench" }],
  },
];

const mb = (n: number) => `${Math.round(n / 2 ** 20)} MiB`;
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;

/** Opens a raw watch and calls back with each event line and its arrival time. */
const openWatch = (
  url: string,
  auth: string,
  onEvent: (e: { type: string; object: KubeObject }, at: number) => void,
): Promise<() => void> =>
  new Promise((resolve, reject) => {
    const req = request(url, { headers: { Authorization: auth } }, (res) => {
      if (res.statusCode !== 200) reject(new Error(`watch: HTTP ${res.statusCode}`));
      let buf = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        const at = performance.now();
        buf += chunk;
        let nl: number;
        while ((nl = buf.indexOf("\n")) >= 0) {
          const line = buf.slice(0, nl);
          buf = buf.slice(nl + 1);
          if (line) onEvent(JSON.parse(line) as { type: string; object: KubeObject }, at);
        }
      });
      resolve(() => req.destroy());
    });
    req.on("error", reject);
    req.end();
  });

const patchLabel = (base: string, auth: string, name: string, value: string): Promise<number> =>
  new Promise((resolve, reject) => {
    const body = JSON.stringify({ metadata: { labels: { bench: value } } });
    const req = request(
      `${base}/api/v1/namespaces/batch/pods/${name}`,
      {
        method: "PATCH",
        headers: { Authorization: auth, "Content-Type": "application/merge-patch+json", "Content-Length": Buffer.byteLength(body) },
      },
      (res) => {
        res.resume();
        res.on("end", () => (res.statusCode === 200 ? resolve(performance.now()) : reject(new Error(`PATCH ${res.statusCode}`))));
      },
    );
    req.on("error", reject);
    req.end(body);
  });

console.log(
  `# kube-sim bench: ${NODES} nodes, ${DEPLOYMENTS}x${REPLICAS} deployment pods + ${NODES} daemonset pods + ${BARE_PODS} bare pods; node ${process.version}, ${cpus().length} CPUs`,
);
// The machine's speed swings on this class of VM: state it before and after, so figures from different runs compare.
const nats = await startNats();
console.log(calibrationLine(await stockPublishRate(nats.url)));
const sim = await KubeSim.start({ unauthenticated: "anonymous" });
sim.load(rbac());
const auth = `Bearer ${sim.token({ user: BENCH_USER })}`;
const objects = benchCluster();
const heapBefore = process.memoryUsage().heapUsed;
const t0 = performance.now();
sim.load(objects);
const loaded = performance.now();
const pods = sim.list<Pod>("Pod");
const bound = pods.filter((p) => p.spec.nodeName).length;
console.log(
  `load: ${objects.length} manifests -> ${pods.length} pods (${bound} bound) in ${((loaded - t0) / 1000).toFixed(2)} s  [goal < 5 s: ${loaded - t0 < 5000 ? "PASS" : "FAIL"}]`,
);
const t1 = performance.now();
await sim.advance("10s");
const running = sim.list<Pod>("Pod").filter((p) => p.status?.phase === "Running").length;
console.log(`start: 10 s of simulated time -> ${running} pods Running in ${((performance.now() - t1) / 1000).toFixed(2)} s of wall time`);
console.log(`memory: heap +${mb(process.memoryUsage().heapUsed - heapBefore)}, rss ${mb(process.memoryUsage().rss)}`);

const tl = performance.now();
const listRes = await fetch(`${sim.url}/api/v1/pods`, { headers: { Authorization: auth } });
if (listRes.status !== 200) throw new Error(`list as ${BENCH_USER}: HTTP ${listRes.status}`);
const list = (await listRes.json()) as { items: unknown[] };
console.log(
  `list (as ${BENCH_USER}, RBAC-authorized): GET /api/v1/pods (${list.items.length} pods) in ${(performance.now() - tl).toFixed(0)} ms`,
);

// Watch latency: time from the PATCH request leaving to the watch event arriving, one write at a time.
const pending = new Map<string, number>();
const latencies: number[] = [];
const stop = await openWatch(
  `${sim.url}/api/v1/namespaces/batch/pods?watch=true&resourceVersion=${sim.store.resourceVersion}`,
  auth,
  (e, at) => {
    const sent = pending.get(e.object.metadata.labels?.bench ?? "");
    if (sent !== undefined && e.type === "MODIFIED") latencies.push(at - sent);
  },
);
for (let i = 0; i < WRITES; i++) {
  const tag = `w${i}`;
  pending.set(tag, performance.now());
  await patchLabel(sim.url, auth, `batch-${(i % BARE_PODS) + 1}`, tag);
  const deadline = performance.now() + 2000;
  while (latencies.length <= i && performance.now() < deadline) await new Promise((r) => setImmediate(r));
}
stop();
const p50 = pct(latencies, 50);
const p99 = pct(latencies, 99);
console.log(
  `watch: ${latencies.length}/${WRITES} changes seen; latency p50 ${p50.toFixed(2)} ms, p99 ${p99.toFixed(2)} ms, max ${Math.max(...latencies).toFixed(2)} ms  [goal < 50 ms: ${p99 < 50 && latencies.length === WRITES ? "PASS" : "FAIL"}]`,
);
await sim.stop();
console.log(calibrationLine(await stockPublishRate(nats.url)));
await nats.stop();

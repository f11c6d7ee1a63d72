// A cluster for the kustomize output: the simulator with three worker nodes, a default StorageClass, CoreDNS and a
// `monitoring` namespace, into which an overlay is applied by the real kubectl, as an operator would (prod: after
// creating the Secrets its README section names). The simulator runs the control plane (scheduling, PVC binding,
// probes, endpoints) and enforces NetworkPolicies on the connections apps declare.
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { type KubeObject, KubeSim } from "@vigil/kube-sim";
import { kustomize, type Obj, root, type Target } from "./kustomize-build.js";

const run = promisify(execFile);

export interface SimCluster {
  sim: KubeSim;
  kubeconfig: string;
  /** kubectl with the cluster-admin kubeconfig; resolves with stdout, rejects with stderr in the message. */
  kubectl(args: string[], stdin?: string): Promise<string>;
  stop(): Promise<void>;
}

const NODES = ["worker-1", "worker-2", "worker-3"];

const clusterBasics = (): KubeObject[] =>
  <KubeObject[]>[
    ...NODES.map((name) => ({
      apiVersion: "v1",
      kind: "Node",
      metadata: { name, labels: { "kubernetes.io/hostname": name } },
      status: { capacity: { cpu: "8", memory: "32Gi", pods: "110", "ephemeral-storage": "100Gi" } },
    })),
    {
      apiVersion: "storage.k8s.io/v1",
      kind: "StorageClass",
      metadata: { name: "standard", annotations: { "storageclass.kubernetes.io/is-default-class": "true" } },
      provisioner: "ebs.csi.aws.com",
      volumeBindingMode: "Immediate",
    },
    // CoreDNS: with a kube-dns Service, the simulator resolves names only for pods whose egress reaches it.
    {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "kube-dns", namespace: "kube-system", labels: { "k8s-app": "kube-dns" } },
      spec: {
        selector: { "k8s-app": "kube-dns" },
        ports: [
          { name: "dns", port: 53, protocol: "UDP", targetPort: 53 },
          { name: "dns-tcp", port: 53, protocol: "TCP", targetPort: 53 },
        ],
      },
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
          spec: {
            containers: [
              {
                name: "coredns",
                image: "registry.k8s.io/coredns/coredns:v1.11.3",
                ports: [
                  { name: "dns", containerPort: 53, protocol: "UDP" },
                  { name: "dns-tcp", containerPort: 53, protocol: "TCP" },
                ],
              },
            ],
          },
        },
      },
    },
    { apiVersion: "v1", kind: "Namespace", metadata: { name: "monitoring" } },
  ];

/** The Secrets the prod overlay reads and does not create, made as its instructions say (external PostgreSQL). */
const PROD_SECRETS = [
  [
    "vigil-executor",
    "--from-literal=database-url=postgres://vigil:s3cret@db.example.internal:5432/vigil",
    "--from-literal=api-token=0123456789abcdef0123",
  ],
  ["vigil-effectiveness", "--from-literal=database-url=postgres://vigil:s3cret@db.example.internal:5432/vigil"],
];

/**
 * Starts the simulator and applies `target` with `kubectl apply` (`serverSide`: `--server-side`); for prod, after
 * creating the operator's Secrets unless `withoutSecrets`.
 */
export async function applyToSim(target: Target, opts: { serverSide?: boolean; withoutSecrets?: boolean } = {}): Promise<SimCluster> {
  const sim = await KubeSim.start({ clock: "virtual" });
  const dir = await mkdtemp(join(tmpdir(), `vigil-kustomize-${target}-`));
  const kubeconfig = join(dir, "kubeconfig");
  const cluster: SimCluster = {
    sim,
    kubeconfig,
    kubectl: async (args, stdin) => {
      const child = run("kubectl", ["--kubeconfig", kubeconfig, ...args], { cwd: root, timeout: 60_000, maxBuffer: 16 * 1024 * 1024 });
      if (stdin !== undefined) child.child.stdin?.end(stdin);
      try {
        return (await child).stdout;
      } catch (err) {
        const e = err as { stderr?: string; message: string };
        throw new Error(`kubectl ${args.join(" ")}: ${e.stderr || e.message}`);
      }
    },
    stop: async () => {
      await sim.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
  try {
    await sim.writeKubeconfig(kubeconfig);
    sim.load(clusterBasics());
    if (target === "prod" && !opts.withoutSecrets) {
      await cluster.kubectl(["create", "namespace", "vigil"]);
      for (const [name, ...literals] of PROD_SECRETS)
        await cluster.kubectl(["-n", "vigil", "create", "secret", "generic", name!, ...literals]);
    }
    const { yaml } = await kustomize(target);
    await cluster.kubectl(["apply", ...(opts.serverSide ? ["--server-side"] : []), "-f", "-"], yaml);
    return cluster;
  } catch (err) {
    await cluster.stop();
    throw err;
  }
}

/**
 * What is not rolled out and ready in `namespace`, from the controllers' own status: every Deployment, StatefulSet and
 * DaemonSet has all its pods updated to the current template and ready (an old pod still serving does not count).
 */
export function workloadsReady(sim: KubeSim, namespace: string): string[] {
  const notReady: string[] = [];
  const check = (what: string, want: number, ready = 0, updated = 0, total = 0) => {
    if (!want || ready !== want || updated !== want || total !== want)
      notReady.push(`${what}: ${ready} ready, ${updated} updated, ${total} in all, of ${want}`);
  };
  for (const d of sim.list<KubeObject>("Deployment", namespace))
    check(`Deployment ${d.metadata.name}`, d.spec.replicas, d.status?.readyReplicas, d.status?.updatedReplicas, d.status?.replicas);
  for (const s of sim.list<KubeObject>("StatefulSet", namespace))
    check(`StatefulSet ${s.metadata.name}`, s.spec.replicas, s.status?.readyReplicas, s.status?.updatedReplicas, s.status?.replicas);
  for (const d of sim.list<KubeObject>("DaemonSet", namespace)) {
    const st = d.status as Obj | undefined;
    check(
      `DaemonSet ${d.metadata.name}`,
      st?.desiredNumberScheduled,
      st?.numberReady,
      st?.updatedNumberScheduled,
      st?.currentNumberScheduled,
    );
  }
  if (notReady.length)
    for (const p of sim.list<KubeObject>("Pod", namespace)) {
      const waiting = ((p.status?.containerStatuses as Obj[] | undefined) ?? []).map(
        (c) => c.state?.waiting?.reason ?? c.lastState?.terminated?.reason,
      );
      const ready = ((p.status?.conditions as Obj[] | undefined) ?? []).some((c) => c.type === "Ready" && c.status === "True");
      if (!ready) notReady.push(`pod ${p.metadata.name} ${p.status?.phase} ${waiting.filter(Boolean).join(",")}`.trim());
    }
  return notReady;
}

/** Advances simulated time in steps until every workload in `namespace` is ready; throws with what is not after `limit`. */
export async function untilReady(sim: KubeSim, namespace: string, limit = "5m"): Promise<void> {
  const end = sim.clock.now() + parseDuration(limit);
  let notReady = workloadsReady(sim, namespace);
  while (notReady.length && sim.clock.now() < end) {
    await sim.advance("10s");
    notReady = workloadsReady(sim, namespace);
  }
  if (notReady.length) throw new Error(`not ready after ${limit} of simulated time: ${notReady.join("; ")}`);
}

const parseDuration = (d: string): number => {
  const m = /^(\d+)(s|m)$/.exec(d);
  if (!m) throw new Error(`duration ${d}`);
  return Number(m[1]) * (m[2] === "m" ? 60_000 : 1000);
};

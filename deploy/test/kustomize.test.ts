// The kustomize output, checked: the base and both overlays build with the real kubectl, every object passes the
// Kubernetes schemas (types, required fields, enums) and strict field validation (no unknown field), and each overlay
// changes what it says it changes and nothing it must not (RBAC, security contexts). Applying them to the simulator
// is kustomize-apply.test.ts; the NetworkPolicies' paths are network-policies.test.ts.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { before, test } from "node:test";
import { promisify } from "node:util";
import {
  type Built,
  kubectlMissing,
  kustomize,
  type Obj,
  objectOf,
  objectsOf,
  type Target,
  TARGETS,
  workloads,
} from "./kustomize-build.js";
import { KubeSim } from "@vigil/kube-sim";
import { fetchOpenApi, manifestProblems, type OpenApiV2, schemaErrors, strictDecodingError } from "./schema-check.js";

const built = {} as Record<Target, Built>;
let missing: string | undefined;
let api: OpenApiV2;

before(async () => {
  missing = await kubectlMissing();
  if (missing) return;
  const sim = await KubeSim.start();
  try {
    api = await fetchOpenApi(sim);
  } finally {
    await sim.stop();
  }
  for (const target of Object.keys(TARGETS) as Target[]) built[target] = await kustomize(target);
});

const CLUSTER_SCOPED = ["Namespace", "ClusterRole", "ClusterRoleBinding"];
const DEPLOYMENTS = ["vigil-webhook", "vigil-analyzer", "vigil-investigator", "vigil-executor", "vigil-effectiveness"];
const containersOf = (w: Obj): Obj[] => [
  ...((w.spec.template.spec.initContainers as Obj[]) ?? []),
  ...(w.spec.template.spec.containers as Obj[]),
];
const envOf = (c: Obj): Map<string, Obj> => new Map(((c.env as Obj[]) ?? []).map((e) => [e.name as string, e]));

test("kustomize: the base and both overlays build, every object in the vigil namespace or cluster-scoped", (t) => {
  if (missing) return t.skip(missing);
  for (const [target, { objects }] of Object.entries(built)) {
    assert.ok(objects.length > 40, `${target}: ${objects.length} objects`);
    for (const o of objects) {
      const where = CLUSTER_SCOPED.includes(o.kind) ? undefined : "vigil";
      assert.equal(o.metadata?.namespace, where, `${target}: ${o.kind} ${o.metadata?.name}`);
    }
    const names = objects.map((o) => `${o.kind}/${o.metadata.name}`);
    assert.equal(new Set(names).size, names.length, `${target}: duplicate objects`);
  }
});

test("kustomize: every object of the base, dev and prod passes the Kubernetes schemas and strict field validation", async (t) => {
  if (missing) return t.skip(missing);
  const problems: string[] = [];
  let checked = 0;
  for (const [target, { objects }] of Object.entries(built)) {
    for (const o of objects) {
      problems.push(...(await manifestProblems(api, o)).map((p) => `${target}: ${p}`));
      checked++;
    }
  }
  assert.deepEqual(problems, []);
  assert.ok(checked > 150, `${checked} objects checked`);
});

test("schema check: a misspelled field, a wrong type and a bad enum are refused, in the API server's words", async (t) => {
  if (missing) return t.skip(missing);
  const deploy = structuredClone(objectOf(built.prod.objects, "Deployment", "vigil-executor"));
  assert.equal(strictDecodingError(api, deploy), undefined);
  assert.deepEqual(await schemaErrors(deploy), []);
  const c = deploy.spec.template.spec.containers[0] as Obj;
  c.imagePullPolcy = "Always"; // misspelt imagePullPolicy
  deploy.spec.template.spec.securityContext.runAsNonRot = true; // misspelt runAsNonRoot
  // In the order the decoder meets them (the document's: kustomize sorts keys, so containers come first).
  assert.equal(
    strictDecodingError(api, deploy),
    'Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field ' +
      '"spec.template.spec.containers[0].imagePullPolcy", unknown field "spec.template.spec.securityContext.runAsNonRot"',
  );
  deploy.spec.replicas = "2"; // a string where the schema says integer
  c.imagePullPolicy = "Sometimes";
  const errors = await schemaErrors(deploy);
  assert.ok(errors.includes("/spec/replicas must be integer"), errors.join("\n"));
  assert.ok(
    errors.some((e) => e.startsWith("/spec/template/spec/containers/0/imagePullPolicy must be equal to one of the allowed values")),
    errors.join("\n"),
  );
  const policy = structuredClone(objectOf(built.base.objects, "NetworkPolicy", "default-deny"));
  policy.spec.podSelectr = {};
  assert.match(strictDecodingError(api, policy) ?? "", /unknown field "spec\.podSelectr"$/);
});

test("every container: non-root, read-only root filesystem, no privilege escalation, all capabilities dropped — but the eBPF one", (t) => {
  if (missing) return t.skip(missing);
  for (const [target, { objects }] of Object.entries(built)) {
    for (const w of workloads(objects)) {
      const pod = w.spec.template.spec as Obj;
      const ebpf = w.metadata.name === "vigil-ebpf-ingest";
      assert.equal(pod.hostPID ?? false, ebpf, `${target} ${w.metadata.name}: hostPID only for the eBPF tracers`);
      assert.equal(pod.hostNetwork ?? false, false, `${target} ${w.metadata.name}: no host network`);
      assert.equal(pod.hostIPC ?? false, false, `${target} ${w.metadata.name}: no host IPC`);
      for (const c of containersOf(w)) {
        const what = `${target} ${w.metadata.name}/${c.name}`;
        const sc = c.securityContext as Obj;
        assert.equal(sc.readOnlyRootFilesystem, true, `${what}: read-only root filesystem`);
        if (ebpf) {
          assert.equal(sc.privileged, true, `${what}: loading BPF programs needs it`);
          continue;
        }
        assert.equal(sc.privileged ?? false, false, `${what}: not privileged`);
        assert.equal(sc.allowPrivilegeEscalation, false, `${what}: no privilege escalation`);
        assert.deepEqual(sc.capabilities, { drop: ["ALL"] }, `${what}: every capability dropped, none added`);
        const runAsNonRoot = sc.runAsNonRoot ?? pod.securityContext?.runAsNonRoot;
        const runAsUser = sc.runAsUser ?? pod.securityContext?.runAsUser;
        assert.equal(runAsNonRoot, true, `${what}: runAsNonRoot`);
        assert.ok(runAsUser > 0, `${what}: a non-root uid`);
        assert.equal(pod.securityContext?.seccompProfile?.type, "RuntimeDefault", `${what}: seccomp`);
      }
      // Host paths only for the DaemonSets, and read-only except the kernel's tracing interfaces.
      for (const v of (pod.volumes as Obj[] | undefined) ?? []) {
        if (!v.hostPath) continue;
        assert.equal(w.kind, "DaemonSet", `${target} ${w.metadata.name}: a host path outside the node agents`);
        for (const c of containersOf(w))
          for (const m of (c.volumeMounts as Obj[]).filter((x) => x.name === v.name))
            assert.ok(
              m.readOnly === true || (ebpf && m.mountPath.startsWith("/sys/kernel/")),
              `${target} ${w.metadata.name}: ${m.mountPath}`,
            );
      }
    }
  }
});

test("every workload: probes, requests and a memory limit, a pinned image, and its own ServiceAccount", (t) => {
  if (missing) return t.skip(missing);
  for (const [target, { objects }] of Object.entries(built)) {
    const serviceAccounts = objectsOf(objects, "ServiceAccount").map((s) => s.metadata.name as string);
    for (const w of workloads(objects)) {
      const pod = w.spec.template.spec as Obj;
      for (const c of pod.containers as Obj[]) {
        const what = `${target} ${w.metadata.name}/${c.name}`;
        assert.ok(c.livenessProbe && c.readinessProbe, `${what}: liveness and readiness probes`);
        assert.ok(c.resources?.requests?.cpu && c.resources?.requests?.memory && c.resources?.limits?.memory, `${what}: resources`);
        assert.match(c.image, /:[\w.-]+$/, `${what}: a tag`);
        assert.doesNotMatch(c.image, /:latest$/, `${what}: not latest`);
      }
      if (w.metadata.name.startsWith("vigil-")) {
        assert.equal(pod.serviceAccountName, w.metadata.name, `${target} ${w.metadata.name}: its own ServiceAccount`);
        assert.ok(serviceAccounts.includes(pod.serviceAccountName), `${target}: ServiceAccount ${pod.serviceAccountName} is deployed`);
      } else assert.equal(pod.automountServiceAccountToken, false, `${target} ${w.metadata.name}: no API token`);
    }
  }
});

test("dev overlay: one replica each, no PDB, the executor in dry-run, PostgreSQL in the cluster behind generated Secrets", (t) => {
  if (missing) return t.skip(missing);
  const { objects } = built.dev;
  for (const name of DEPLOYMENTS) assert.equal(objectOf(objects, "Deployment", name).spec.replicas, 1, name);
  assert.equal(objectOf(objects, "StatefulSet", "nats").spec.replicas, 1);
  assert.deepEqual(objectsOf(objects, "PodDisruptionBudget"), [], "one replica: a PDB would only block drains");
  const executor = objectOf(objects, "Deployment", "vigil-executor").spec.template.spec.containers[0] as Obj;
  assert.equal(envOf(executor).get("EXECUTOR_MODE")?.value, "dry-run");
  // Lower than the base, the heap inside the limit.
  for (const name of DEPLOYMENTS) {
    const dev = objectOf(objects, "Deployment", name).spec.template.spec.containers[0] as Obj;
    const base = objectOf(built.base.objects, "Deployment", name).spec.template.spec.containers[0] as Obj;
    assert.ok(parseInt(dev.resources.requests.memory) < parseInt(base.resources.requests.memory), `${name}: smaller request`);
    const heap = /--max-old-space-size=(\d+)/.exec(envOf(dev).get("NODE_OPTIONS")?.value ?? "")?.[1];
    if (heap) assert.ok(Number(heap) < parseInt(dev.resources.limits.memory), `${name}: heap ${heap} MiB under the limit`);
  }
  // PostgreSQL: a StatefulSet on a PVC, its password from a generated Secret; the services' DATABASE_URL points at it.
  const pg = objectOf(objects, "StatefulSet", "postgres");
  assert.equal(pg.spec.volumeClaimTemplates[0].metadata.name, "data");
  const pgEnv = envOf(pg.spec.template.spec.containers[0]);
  const secretName = pgEnv.get("POSTGRES_PASSWORD")?.valueFrom?.secretKeyRef?.name as string;
  const secret = objectOf(objects, "Secret", secretName);
  assert.match(secretName, /^vigil-postgres-[a-z0-9]{10}$/, "generated, with kustomize's content hash");
  const password = Buffer.from(secret.data.password, "base64").toString();
  for (const name of ["vigil-executor", "vigil-effectiveness"]) {
    const ref = envOf(objectOf(objects, "Deployment", name).spec.template.spec.containers[0]).get("DATABASE_URL")?.valueFrom?.secretKeyRef;
    const url = new URL(Buffer.from(objectOf(objects, "Secret", ref.name).data[ref.key], "base64").toString());
    assert.equal(url.hostname, "postgres.vigil.svc", name);
    assert.equal(Number(url.port), objectOf(objects, "Service", "postgres").spec.ports[0].port);
    assert.equal(decodeURIComponent(url.password), password, `${name}: the password the server was initialised with`);
  }
  assert.ok(!objectsOf(built.prod.objects, "StatefulSet", "postgres").length, "prod: PostgreSQL is external");
});

test("prod overlay: a three-server NATS cluster, three stream replicas, two replicas and a PDB per service, pinned images", (t) => {
  if (missing) return t.skip(missing);
  const { objects } = built.prod;
  const nats = objectOf(objects, "StatefulSet", "nats");
  assert.equal(nats.spec.replicas, 3);
  const anti = nats.spec.template.spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0];
  assert.equal(anti.topologyKey, "kubernetes.io/hostname", "one server per node");
  const configName = (nats.spec.template.spec.volumes as Obj[]).find((v) => v.name === "config")!.configMap.name;
  const conf = objectOf(objects, "ConfigMap", configName).data["nats.conf"] as string;
  const headless = nats.spec.serviceName as string;
  assert.equal(objectOf(objects, "Service", headless).spec.clusterIP, "None");
  for (let i = 0; i < 3; i++) assert.ok(conf.includes(`nats://nats-${i}.${headless}.vigil.svc:6222`), `a route to nats-${i}`);
  assert.match(conf, /jetstream \{[^}]*store_dir: \/data\/jetstream/);
  const devNats = (objectOf(built.dev.objects, "StatefulSet", "nats").spec.template.spec.volumes as Obj[]).find((v) => v.name === "config")!
    .configMap.name as string;
  assert.doesNotMatch(objectOf(built.dev.objects, "ConfigMap", devNats).data["nats.conf"], /cluster \{/, "dev: one server, no routes");

  // Every Vigil workload creates its streams with three replicas.
  for (const w of workloads(objects).filter((x) => x.metadata.name.startsWith("vigil-"))) {
    const ref = envOf(w.spec.template.spec.containers[0]).get("NATS_STREAM_REPLICAS")?.valueFrom?.configMapKeyRef;
    assert.ok(ref, `${w.metadata.name}: NATS_STREAM_REPLICAS`);
    assert.equal(objectOf(objects, "ConfigMap", ref.name).data[ref.key], "3", w.metadata.name);
    const url = new URL(envOf(w.spec.template.spec.containers[0]).get("NATS_URL")?.value);
    assert.equal(url.host, "nats.vigil.svc:4222", `${w.metadata.name}: the nats Service's client port`);
  }
  const pdbs = objectsOf(objects, "PodDisruptionBudget");
  for (const name of [...DEPLOYMENTS, "nats"]) {
    const w = [...objectsOf(objects, "Deployment", name), ...objectsOf(objects, "StatefulSet", name)][0]!;
    if (w.kind === "Deployment") assert.equal(w.spec.replicas, 2, name);
    const labels = w.spec.template.metadata.labels as Obj;
    const pdb = pdbs.find((p) => Object.entries(p.spec.selector.matchLabels as Obj).every(([k, v]) => labels[k] === v));
    assert.ok(pdb, `${name}: a PodDisruptionBudget`);
    const minAvailable = pdb.spec.minAvailable as number | undefined;
    assert.ok(minAvailable === undefined || minAvailable < w.spec.replicas, `${name}: a drain is never blocked`);
  }
  for (const w of workloads(objects))
    for (const c of w.spec.template.spec.containers as Obj[])
      assert.match(c.image, /^(vigil\/[\w-]+:0\.1\.0|nats:2\.\d+\.\d+-alpine)$/, c.image);
  // External PostgreSQL: the Secrets are the operator's, named as the services expect, never generated here.
  assert.deepEqual(objectsOf(objects, "Secret"), []);
  for (const name of ["vigil-executor", "vigil-effectiveness"]) {
    const ref = envOf(objectOf(objects, "Deployment", name).spec.template.spec.containers[0]).get("DATABASE_URL")?.valueFrom?.secretKeyRef;
    assert.deepEqual([ref.name, ref.key, ref.optional], [name, "database-url", undefined], `${name}: a required Secret`);
  }
});

test("overlays never widen RBAC: the same ServiceAccounts, roles and bindings as the base, and no Secrets readable", (t) => {
  if (missing) return t.skip(missing);
  const rbac = (objects: readonly Obj[]) =>
    objects
      .filter((o) => ["ServiceAccount", "Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"].includes(o.kind))
      .map((o) =>
        JSON.stringify({
          kind: o.kind,
          name: o.metadata.name,
          rules: o.rules,
          roleRef: o.roleRef,
          subjects: o.subjects,
          automount: o.automountServiceAccountToken,
        }),
      )
      .sort();
  const base = rbac(built.base.objects);
  assert.deepEqual(rbac(built.dev.objects), base, "dev");
  assert.deepEqual(rbac(built.prod.objects), base, "prod");
  for (const role of objectsOf(built.base.objects, "ClusterRole"))
    for (const r of role.rules as Obj[]) {
      assert.ok(
        !r.resources.includes("secrets") && !r.resources.includes("*") && !r.verbs.includes("*"),
        `${role.metadata.name}: ${r.resources}`,
      );
    }
});

test("Services select their pods and target ports the containers declare", (t) => {
  if (missing) return t.skip(missing);
  for (const [target, { objects }] of Object.entries(built)) {
    for (const svc of objectsOf(objects, "Service")) {
      const selected = workloads(objects).filter((w) =>
        Object.entries(svc.spec.selector as Obj).every(([k, v]) => (w.spec.template.metadata.labels as Obj)[k] === v),
      );
      assert.equal(selected.length, 1, `${target} Service ${svc.metadata.name} selects one workload`);
      const ports = (selected[0]!.spec.template.spec.containers as Obj[]).flatMap((c) => (c.ports as Obj[]) ?? []);
      for (const p of svc.spec.ports as Obj[])
        assert.ok(
          ports.some((cp) => cp.name === p.targetPort || cp.containerPort === p.targetPort),
          `${target} Service ${svc.metadata.name}: port ${p.targetPort}`,
        );
    }
  }
});

test("NetworkPolicies: the namespace denies ingress and egress by default, and every policy selects pods that exist", (t) => {
  if (missing) return t.skip(missing);
  for (const [target, { objects }] of Object.entries(built)) {
    const deny = objectOf(objects, "NetworkPolicy", "default-deny");
    assert.deepEqual(deny.spec, { podSelector: {}, policyTypes: ["Ingress", "Egress"] }, target);
    const podLabels = workloads(objects).map((w) => w.spec.template.metadata.labels as Obj);
    for (const np of objectsOf(objects, "NetworkPolicy")) {
      const sel = np.spec.podSelector as Obj;
      const matches = (labels: Obj) =>
        Object.entries((sel.matchLabels as Obj) ?? {}).every(([k, v]) => labels[k] === v) &&
        ((sel.matchExpressions as Obj[]) ?? []).every((e) => e.operator === "In" && e.values.includes(labels[e.key]));
      const selected = podLabels.filter(matches).length;
      assert.ok(selected > 0, `${target} NetworkPolicy ${np.metadata.name} selects no pod`);
      if (sel.matchExpressions)
        for (const e of sel.matchExpressions as Obj[])
          for (const v of e.values as string[])
            assert.ok(
              podLabels.some((l) => l[e.key] === v),
              `${np.metadata.name}: no pod is ${v}`,
            );
    }
  }
});

/** Bytes of a NATS size (`1536M`, `8G`) or a Kubernetes quantity (`2Gi`). */
const bytes = (size: string): number => {
  const m = /^(\d+)(Ki|Mi|Gi|K|M|G)?$/.exec(size);
  assert.ok(m, size);
  return Number(m[1]) * 1024 ** ["", "K", "M", "G"].indexOf((m[2] ?? "").replace("i", ""));
};

test("NATS: each target's configuration passes the real nats-server's check, and the file store fits the volume", async (t) => {
  if (missing) return t.skip(missing);
  const run = promisify(execFile);
  try {
    await run("nats-server", ["--version"], { timeout: 10_000 });
  } catch {
    return t.skip("nats-server is not installed (Debian: nats-server)");
  }
  const dir = await mkdtemp(join(tmpdir(), "vigil-nats-conf-"));
  try {
    for (const [target, { objects }] of Object.entries(built)) {
      const nats = objectOf(objects, "StatefulSet", "nats");
      const volume = (nats.spec.template.spec.volumes as Obj[]).find((v) => v.name === "config")!;
      const conf = objectOf(objects, "ConfigMap", volume.configMap.name).data["nats.conf"] as string;
      const file = join(dir, `${target}.conf`);
      await writeFile(file, conf);
      // -t: parse and check the configuration, then exit (an unknown field or a bad value fails it).
      const { stderr } = await run("nats-server", ["-t", "-c", file], { env: { ...process.env, SERVER_NAME: "nats-0" }, timeout: 20_000 });
      assert.match(stderr, /is valid/, `${target}: ${stderr}`);
      const store = /max_file_store: (\w+)/.exec(conf)?.[1];
      const claim = nats.spec.volumeClaimTemplates[0].spec.resources.requests.storage as string;
      assert.ok(store && bytes(store) < bytes(claim), `${target}: max_file_store ${store} must stay below the ${claim} volume`);
    }
    await writeFile(join(dir, "bad.conf"), "jetstream { store_dirx: /data }\n");
    await assert.rejects(run("nats-server", ["-t", "-c", join(dir, "bad.conf")], { timeout: 20_000 }), /unknown field "store_dirx"/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

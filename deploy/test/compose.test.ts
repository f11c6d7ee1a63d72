// Static checks of the deployment files: this machine has no Docker engine, so mistakes here would
// otherwise only surface on someone else's `docker compose up` or `kubectl apply`.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse, parseAllDocuments } from "yaml";

const root = fileURLToPath(new URL("../..", import.meta.url));
const read = (rel: string) => readFileSync(join(root, rel), "utf8");

type Obj = Record<string, any>;
const compose = parse(read("docker-compose.yml")) as Obj;
const services = (compose?.services ?? {}) as Record<string, Obj>;

/** Every string (keys and values) in a parsed YAML tree. */
function* strings(node: unknown): Generator<string> {
  if (typeof node === "string") yield node;
  else if (Array.isArray(node)) for (const v of node) yield* strings(v);
  else if (node && typeof node === "object") {
    for (const [k, v] of Object.entries(node)) {
      yield k;
      yield* strings(v);
    }
  }
}

const envOf = (svc: Obj): Record<string, string> =>
  Array.isArray(svc.environment)
    ? Object.fromEntries(svc.environment.map((e: string) => [e.split("=")[0], e.slice(e.indexOf("=") + 1)]))
    : (svc.environment ?? {});
const dependsOn = (svc: Obj): string[] => (Array.isArray(svc.depends_on) ? svc.depends_on : Object.keys(svc.depends_on ?? {}));
const healthTest = (svc: Obj): string => [svc.healthcheck?.test ?? []].flat().join(" ");

test("compose: parses and defines nats, postgres and webhook, without the obsolete version key", () => {
  assert.equal(typeof compose, "object");
  for (const name of ["nats", "postgres", "webhook"]) assert.ok(services[name], `service ${name} missing`);
  assert.equal(compose.version, undefined);
});

test("compose: every image is a pinned tag, never latest", () => {
  for (const [name, svc] of Object.entries(services)) {
    assert.ok(svc.image, `${name}: no image (built services need one too, so the tag is explicit)`);
    const m = /^(?:[^/]+\/)*[^/:@]+(?::([\w][\w.-]*))?(?:@sha256:[a-f0-9]{64})?$/.exec(svc.image);
    assert.ok(m, `${name}: malformed image ${svc.image}`);
    assert.ok(m[1] || svc.image.includes("@sha256:"), `${name}: image ${svc.image} has no tag`);
    assert.notEqual(m[1], "latest", `${name}: image ${svc.image} uses latest`);
  }
});

test("compose: nats runs JetStream and has a healthcheck", () => {
  const cmd = [services.nats!.command].flat().join(" ").split(/\s+/);
  assert.ok(cmd.includes("-js") || cmd.includes("--jetstream"), "nats command must enable JetStream (-js)");
  assert.match(healthTest(services.nats!), /healthz/);
});

test("compose: postgres has a pg_isready healthcheck", () => {
  assert.match(healthTest(services.postgres!), /pg_isready/);
});

test("compose: webhook builds from deploy/Dockerfile and is wired to nats", () => {
  const w = services.webhook!;
  assert.equal(w.build?.dockerfile, "deploy/Dockerfile");
  assert.equal(w.build?.args?.SERVICE, "webhook");
  assert.ok(
    (w.ports ?? []).some((p: unknown) => String(p).endsWith(":8080")),
    "webhook must publish 8080",
  );
  assert.match(envOf(w).NATS_URL ?? "", /^nats:\/\/nats:4222$/);
  assert.equal(w.depends_on?.nats?.condition, "service_healthy");
  assert.ok(healthTest(w), "webhook needs a healthcheck");
});

test("compose: every ${VAR} interpolation has a default", () => {
  for (const s of strings(compose)) {
    const unescaped = s.replaceAll("$$", "");
    for (const m of unescaped.matchAll(/\$\{([^}]*)\}/g)) {
      assert.match(m[1]!, /^\w+:-/, `\${${m[1]}} has no :- default`);
    }
    assert.doesNotMatch(unescaped, /\$\w/, `bare $VAR (no default possible) in ${JSON.stringify(s)}`);
  }
});

test("compose: depends_on targets exist; build args name real services", () => {
  for (const [name, svc] of Object.entries(services)) {
    for (const dep of dependsOn(svc)) assert.ok(services[dep], `${name} depends on undefined service ${dep}`);
    const target = svc.build?.args?.SERVICE;
    if (target !== undefined) {
      assert.ok(existsSync(join(root, "services", target, "package.json")), `${name}: no services/${target}/package.json`);
      assert.ok(existsSync(join(root, svc.build.context ?? ".", svc.build.dockerfile ?? "Dockerfile")), `${name}: Dockerfile missing`);
    }
  }
});

test("compose: every port mapping is a valid host:container", () => {
  const valid = (n: string | undefined) => n !== undefined && Number(n) >= 1 && Number(n) <= 65535;
  for (const [name, svc] of Object.entries(services)) {
    for (const p of svc.ports ?? []) {
      if (typeof p === "object") {
        assert.ok(valid(String(p.published)) && valid(String(p.target)), `${name}: bad port ${JSON.stringify(p)}`);
        continue;
      }
      // [ip:]host:container[/proto]; ranges are not used here.
      const m = /^(?:(?:\d{1,3}(?:\.\d{1,3}){3}|\[[0-9a-fA-F:]+\]):)?(\d+):(\d+)(?:\/(?:tcp|udp))?$/.exec(String(p));
      assert.ok(m && valid(m[1]) && valid(m[2]), `${name}: port ${JSON.stringify(p)} is not host:container`);
    }
  }
});

test("compose: `docker compose config` accepts the file", (t) => {
  const info = spawnSync("docker", ["info"], { stdio: "ignore", timeout: 15_000 });
  if (info.status !== 0) {
    t.skip("no Docker engine: `docker info` failed, only the static checks ran");
    return;
  }
  const res = spawnSync("docker", ["compose", "config", "-q"], { cwd: root, encoding: "utf8", timeout: 60_000 });
  assert.equal(res.status, 0, res.stderr);
});

// ---- Dockerfile ---------------------------------------------------------------------------------------

/** Instructions with continuations joined and comments / parser directives dropped. */
const dockerfile = read("deploy/Dockerfile")
  .split("\n")
  .filter((l) => !/^\s*#/.test(l))
  .join("\n")
  .replace(/\\\n/g, " ")
  .split("\n")
  .map((l) => l.trim())
  .filter(Boolean)
  .map((l) => {
    const [, op = "", rest = ""] = /^(\S+)\s*(.*)$/.exec(l) ?? [];
    return { op: op.toUpperCase(), args: rest };
  });
const ops = (op: string) => dockerfile.filter((i) => i.op === op);

test("Dockerfile: SERVICE arg, multi-stage, non-root, healthcheck, npm ci", () => {
  assert.ok(
    ops("ARG").some((i) => /^SERVICE(=|$)/.test(i.args)),
    "needs ARG SERVICE",
  );
  assert.ok(ops("FROM").length >= 2, "needs at least two stages");
  const users = ops("USER");
  assert.ok(users.length > 0, "needs a USER");
  assert.doesNotMatch(users.at(-1)!.args, /^(root|0)(:|$)/, "final USER must not be root");
  assert.ok(ops("HEALTHCHECK").length > 0, "needs a HEALTHCHECK");
  assert.ok(
    ops("RUN").some((i) => /\bnpm ci\b/.test(i.args)),
    "needs npm ci",
  );
  assert.match(read("deploy/Dockerfile"), /^ARG NODE_IMAGE=node:20-bookworm-slim$/m, "base image must be node:20-bookworm-slim");
});

test("Dockerfile: COPY sources from the build context exist", () => {
  for (const { args } of ops("COPY")) {
    if (/--from=/.test(args)) continue;
    const words = args.startsWith("[") ? (JSON.parse(args) as string[]) : args.split(/\s+/).filter((w) => !w.startsWith("--"));
    for (const src of words.slice(0, -1)) {
      if (src.includes("$")) continue; // depends on a build arg
      if (/[*?[]/.test(src)) continue; // wildcards may match nothing on purpose (BuildKit allows it)
      assert.ok(existsSync(join(root, src)), `COPY source ${src} does not exist`);
    }
  }
});

test("Dockerfile: every directory production code reads next to its dist/ is staged into the image", () => {
  // `new URL("../migrations", import.meta.url)` in src/ is dist/../migrations at runtime: the staging loop must copy it.
  const staging = ops("RUN").find((i) => i.args.includes("/out/$d/"))?.args ?? "";
  assert.ok(staging, "no staging RUN copying $d/... into /out");
  const packages = ["libs", "services"].flatMap((group) => readdirSync(join(root, group)).map((p) => join(group, p)));
  let found = 0;
  for (const pkg of packages) {
    const src = join(root, pkg, "src");
    if (!existsSync(src)) continue;
    const files = readdirSync(src, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".ts") && !/(^|\/)testing\b/.test(f));
    for (const file of files) {
      for (const [, dir] of read(join(pkg, "src", file)).matchAll(/new URL\("\.\.\/([\w-]+)\/?", import\.meta\.url\)/g)) {
        assert.match(
          staging,
          new RegExp(`"\\$d/${dir}"`),
          `${pkg}/src/${file} reads ../${dir} at runtime: the Dockerfile does not stage it`,
        );
        found++;
      }
    }
  }
  assert.ok(found >= 3, `found the runtime directories (migrations, bpftrace programs): ${found}`);
});

// ---- Kubernetes -----------------------------------------------------------------------------------------

const k8s = parseAllDocuments(read("deploy/kubernetes/webhook.yaml")).map((d) => {
  assert.deepEqual(d.errors, []);
  return d.toJS() as Obj;
});
const kind = (k: string) => k8s.find((d) => d.kind === k);

test("kubernetes: namespace, deployment, service and PDB, consistently labelled", () => {
  for (const k of ["Namespace", "Deployment", "Service", "PodDisruptionBudget"]) assert.ok(kind(k), `${k} missing`);
  const podLabels = kind("Deployment")!.spec.template.metadata.labels as Obj;
  const selects = (sel: Obj) => Object.entries(sel).every(([k, v]) => podLabels[k] === v);
  assert.ok(selects(kind("Deployment")!.spec.selector.matchLabels), "Deployment selector must match its pods");
  assert.ok(selects(kind("Service")!.spec.selector), "Service selector must match the pods");
  assert.ok(selects(kind("PodDisruptionBudget")!.spec.selector.matchLabels), "PDB selector must match the pods");
  assert.ok(kind("Service")!.spec.ports.some((p: Obj) => p.port === 8080));
});

test("kubernetes: probes, non-root, graceful shutdown fits the grace period", () => {
  const pod = kind("Deployment")!.spec.template.spec as Obj;
  const c = pod.containers[0] as Obj;
  assert.equal(c.livenessProbe?.httpGet?.path, "/healthz");
  assert.equal(c.readinessProbe?.httpGet?.path, "/readyz");
  assert.equal(pod.securityContext?.runAsNonRoot ?? c.securityContext?.runAsNonRoot, true);
  assert.equal(c.securityContext?.readOnlyRootFilesystem, true);
  assert.doesNotMatch(c.image, /:latest$|^[^:]+$/, "image must be a pinned tag");
  const env = Object.fromEntries((c.env as Obj[]).filter((e) => "value" in e).map((e) => [e.name, Number(e.value)]));
  const shutdownMs = env.SHUTDOWN_TIMEOUT_MS ?? 25_000; // includes SHUTDOWN_DELAY_MS
  assert.ok((env.SHUTDOWN_DELAY_MS ?? 0) < shutdownMs);
  assert.ok(shutdownMs < (pod.terminationGracePeriodSeconds ?? 30) * 1000, "shutdown must finish before SIGKILL");
});

// ---- Alertmanager ---------------------------------------------------------------------------------------

test("alertmanager: vigil receiver gets resolved alerts on /alerts, repeats stay inside the dedupe window", () => {
  const am = parse(read("deploy/alertmanager/alertmanager.yml")) as Obj;
  const receiver = (am.receivers as Obj[]).find((r) => r.name === "vigil");
  assert.ok(receiver, "no receiver named vigil");
  const routes = (r: Obj): Obj[] => [r, ...((r.routes ?? []) as Obj[]).flatMap(routes)];
  assert.ok(
    routes(am.route).some((r) => r.receiver === "vigil"),
    "no route sends to vigil",
  );
  const hook = receiver.webhook_configs[0] as Obj;
  assert.match(hook.url, /\/alerts$/);
  assert.equal(hook.send_resolved, true);
  // Alertmanager durations: 4h, 1h30m, 1d ... VIGIL_ALERTS drops repeated ids for 24h.
  const unit: Record<string, number> = { ms: 1e-3, s: 1, m: 60, h: 3600, d: 86400, w: 604800, y: 31536000 };
  const seconds = (d: string) => [...d.matchAll(/(\d+)(ms|[smhdwy])/g)].reduce((s, m) => s + Number(m[1]) * unit[m[2]!]!, 0);
  for (const r of routes(am.route).filter((r) => r.repeat_interval)) {
    assert.ok(seconds(r.repeat_interval) < 86400, `repeat_interval ${r.repeat_interval} must stay below 24h`);
  }
  // The URL must reach the Service defined in deploy/kubernetes/webhook.yaml.
  const svc = kind("Service")!;
  assert.ok(hook.url.startsWith(`http://${svc.metadata.name}.${svc.metadata.namespace}.svc:${svc.spec.ports[0].port}/`));
});

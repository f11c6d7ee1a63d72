// docker-compose.yml against the services it runs: every directory under services/ is a compose service built from the
// one Dockerfile, listening where its code listens by default, wired to NATS (and PostgreSQL when its definition keeps
// history there), healthy only when its /readyz says so, and started only after what it depends on is healthy. No
// Docker engine here (`docker compose config` is skipped in compose.test.ts), so these static checks are what stops a
// broken stack from reaching someone's `docker compose up`.
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";

const root = fileURLToPath(new URL("../..", import.meta.url));
const read = (rel: string) => readFileSync(join(root, rel), "utf8");

interface ComposeService {
  image?: string;
  build?: { context?: string; dockerfile?: string; args?: Record<string, string> };
  profiles?: string[];
  ports?: Array<string | { target: number; published: number | string }>;
  environment?: Record<string, string> | string[];
  depends_on?: string[] | Record<string, { condition?: string }>;
  healthcheck?: { test?: string | string[]; interval?: string; retries?: number };
  volumes?: Array<string | { type: string; source?: string }>;
  stop_grace_period?: string;
}
const compose = parse(read("docker-compose.yml")) as { services: Record<string, ComposeService> };
const services = compose.services;

/** The seven Vigil services: every directory under services/ with a package.json. */
const vigilServices = readdirSync(join(root, "services")).filter((d) => existsSync(join(root, "services", d, "package.json")));

/** What the service's code declares: its default port, and whether it keeps history in PostgreSQL. */
function definitionOf(name: string): { defaultPort: number; database: boolean } {
  const source = read(`services/${name}/src/service.ts`);
  const port = /\bdefaultPort:\s*(\d+)/.exec(source);
  assert.ok(port, `services/${name}/src/service.ts declares no defaultPort`);
  return { defaultPort: Number(port[1]), database: /^\s*database:\s*\{/m.test(source) };
}

const envOf = (svc: ComposeService): Record<string, string> =>
  Array.isArray(svc.environment)
    ? Object.fromEntries(svc.environment.map((e) => [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)]))
    : (svc.environment ?? {});
const containerPorts = (svc: ComposeService): number[] =>
  (svc.ports ?? []).map((p) => (typeof p === "object" ? Number(p.target) : Number(/(\d+)(?:\/\w+)?$/.exec(p)![1])));
const hostPorts = (svc: ComposeService): number[] =>
  (svc.ports ?? []).map((p) => (typeof p === "object" ? Number(p.published) : Number(/^(?:.*:)?(\d+):\d+(?:\/\w+)?$/.exec(p)![1])));
const healthTest = (svc: ComposeService): string => [svc.healthcheck?.test ?? []].flat().join(" ");
const dependsOn = (svc: ComposeService): Record<string, { condition?: string }> =>
  Array.isArray(svc.depends_on) ? Object.fromEntries(svc.depends_on.map((d) => [d, {}])) : (svc.depends_on ?? {});

describe("docker-compose.yml: the seven Vigil services", () => {
  it("runs every service under services/ and nothing it does not know", () => {
    assert.equal(vigilServices.length, 7, `services/ has ${vigilServices.join(", ")}`);
    for (const name of vigilServices) assert.ok(services[name], `compose has no service ${name}`);
    const built = Object.entries(services).filter(([, s]) => s.build);
    assert.deepEqual(built.map(([n]) => n).sort(), [...vigilServices].sort(), "exactly the Vigil services are built here");
  });

  for (const name of vigilServices) {
    describe(name, () => {
      const svc = services[name]!;
      const { defaultPort, database } = definitionOf(name);
      const env = envOf(svc);

      it("is built from deploy/Dockerfile for this service, with a pinned image name of its own", () => {
        assert.equal(svc.build?.context, ".");
        assert.equal(svc.build?.dockerfile, "deploy/Dockerfile");
        assert.equal(svc.build?.args?.SERVICE, name);
        assert.equal(svc.image, `vigil/${name}:dev`);
        assert.equal(svc.profiles, undefined, "a Vigil service must start without any profile");
      });

      it(`listens on its default port ${defaultPort}, published as is`, () => {
        assert.equal(env.PORT, String(defaultPort), "PORT");
        assert.equal(svc.build?.args?.PORT, String(defaultPort), "the image's PORT (EXPOSE, Dockerfile healthcheck)");
        assert.ok(containerPorts(svc).includes(defaultPort), `publishes ${defaultPort}`);
        assert.ok(hostPorts(svc).includes(defaultPort), `on host port ${defaultPort}, as the README's URLs say`);
      });

      it("reaches NATS, and PostgreSQL exactly when its definition keeps history there", () => {
        assert.equal(env.NATS_URL, "nats://nats:4222");
        assert.equal(dependsOn(svc).nats?.condition, "service_healthy");
        if (database) {
          const pg = envOf(services.postgres!);
          assert.equal(env.DATABASE_URL, `postgres://${pg.POSTGRES_USER}:${pg.POSTGRES_PASSWORD}@postgres:5432/${pg.POSTGRES_DB}`);
          assert.equal(dependsOn(svc).postgres?.condition, "service_healthy");
        } else {
          assert.equal(env.DATABASE_URL, undefined, "does not use PostgreSQL");
          assert.equal(dependsOn(svc).postgres, undefined);
        }
      });

      it("is healthy only when its /readyz on its own port answers 200", () => {
        const test = healthTest(svc);
        assert.match(test, /\/readyz/);
        assert.match(test, new RegExp(`process\\.env\\.PORT\\|\\|${defaultPort}\\b`), "falls back to the service's port");
        assert.match(test, /r\.ok\?0:1/, "a non-2xx answer is unhealthy");
        assert.ok(svc.healthcheck?.interval && (svc.healthcheck.retries ?? 0) > 0);
      });

      it("stops gracefully before Docker's SIGKILL", () => {
        const seconds = Number(/^(\d+)s$/.exec(svc.stop_grace_period ?? "10s")![1]);
        const shutdownMs = Number(env.SHUTDOWN_TIMEOUT_MS ?? 25_000);
        assert.ok(shutdownMs < seconds * 1000, `SHUTDOWN_TIMEOUT_MS ${shutdownMs} within stop_grace_period ${seconds}s`);
      });
    });
  }
});

describe("docker-compose.yml: the stack as a whole", () => {
  it("waits only on healthchecks: every depends_on is service_healthy on a service that has a healthcheck", () => {
    for (const [name, svc] of Object.entries(services)) {
      for (const [dep, { condition }] of Object.entries(dependsOn(svc))) {
        assert.equal(condition, "service_healthy", `${name} → ${dep}`);
        assert.ok(healthTest(services[dep]!), `${name} waits on ${dep}, which has no healthcheck`);
      }
    }
  });

  it("has a healthcheck and an image on every service, and no host port used twice", () => {
    const seen = new Map<number, string>();
    for (const [name, svc] of Object.entries(services)) {
      assert.ok(healthTest(svc), `${name}: no healthcheck`);
      assert.ok(svc.image, `${name}: no image`);
      for (const port of hostPorts(svc)) {
        assert.equal(seen.get(port), undefined, `host port ${port} of ${name} is also ${seen.get(port)}'s`);
        seen.set(port, name);
      }
    }
  });

  it("mounts only files of the repository that exist (relative bind mounts)", () => {
    for (const [name, svc] of Object.entries(services)) {
      for (const v of svc.volumes ?? []) {
        const source = typeof v === "string" ? v.split(":")[0]! : (v.source ?? "");
        if (!source.startsWith("./")) continue; // named volumes, host paths and ${KUBECONFIG_FILE:-...}
        assert.ok(existsSync(join(root, source)), `${name} mounts ${source}, which does not exist`);
      }
    }
  });

  it("keeps the monitoring services behind the monitoring profile", () => {
    for (const name of ["prometheus", "alertmanager", "grafana"]) {
      assert.deepEqual(services[name]?.profiles, ["monitoring"], `${name} is in the monitoring profile`);
    }
    const core = Object.entries(services).filter(([, s]) => !s.profiles);
    assert.deepEqual(core.map(([n]) => n).sort(), ["nats", "postgres", ...vigilServices].sort(), "what `docker compose up` starts");
  });
});

// The compose "monitoring" profile wired together: Prometheus scrapes exactly the compose services, on the ports they
// listen on, and every Vigil service; its rule and Alertmanager paths are where compose mounts them; Alertmanager
// delivers to the compose webhook; Grafana's data source and dashboards are where compose puts them. A renamed service
// or a changed port then fails here, not as an empty target page.
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, posix } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";

const root = fileURLToPath(new URL("../..", import.meta.url));
const read = (rel: string) => readFileSync(join(root, rel), "utf8");

type Obj = Record<string, any>;
const services = (parse(read("docker-compose.yml")) as Obj).services as Record<string, Obj>;
const prometheus = parse(read("deploy/prometheus/prometheus.yml")) as Obj;
const vigilServices = readdirSync(join(root, "services")).filter((d) => existsSync(join(root, "services", d, "package.json")));

const envOf = (svc: Obj): Record<string, string> => svc.environment ?? {};
/** Ports a compose service listens on inside its container: the ones it publishes, and its PORT. */
const listensOn = (name: string): number[] => {
  const svc = services[name]!;
  const published = (svc.ports ?? []).map((p: unknown) => Number(/(\d+)(?:\/\w+)?$/.exec(String(p))![1]));
  return [...published, ...(envOf(svc).PORT ? [Number(envOf(svc).PORT)] : [])];
};
/** Bind mounts of a compose service: container path → repository path. */
const mountsOf = (name: string): Map<string, string> =>
  new Map(
    (services[name]!.volumes as string[])
      .filter((v) => v.startsWith("./"))
      .map((v) => {
        const [source, target] = v.split(":");
        return [target!, source!.slice(2)];
      }),
  );
/** The repository file a container path of `service` reads, through its bind mounts. */
function repoPathOf(service: string, containerPath: string): string | undefined {
  for (const [target, source] of mountsOf(service)) {
    if (containerPath === target) return source;
    if (containerPath.startsWith(`${target}/`)) return posix.join(source, containerPath.slice(target.length + 1));
  }
  return undefined;
}
const scrapeTargets = (): Array<{ job: string; target: string; labels: Obj }> =>
  (prometheus.scrape_configs as Obj[]).flatMap((job) =>
    (job.static_configs as Obj[]).flatMap((sc) =>
      (sc.targets as string[]).map((target) => ({ job: job.job_name, target, labels: sc.labels ?? {} })),
    ),
  );

describe("deploy/prometheus/prometheus.yml in the compose stack", () => {
  it("scrapes only compose services, on ports they listen on", () => {
    for (const { job, target } of scrapeTargets()) {
      const [host, port] = target.split(":");
      if (host === "localhost") continue; // Prometheus itself
      assert.ok(services[host!], `${job}: ${host} is not a compose service`);
      const ports = listensOn(host!);
      assert.ok(ports.includes(Number(port)), `${job}: ${host} does not listen on ${port} (it does on ${ports.join(", ")})`);
    }
  });

  it("scrapes every Vigil service on its PORT, as job vigil-<service> (the rules and dashboards select on it)", () => {
    const targets = scrapeTargets();
    for (const name of vigilServices) {
      const scraped = targets.filter((t) => t.target === `${name}:${envOf(services[name]!).PORT}`);
      assert.equal(scraped.length, 1, `${name}:${envOf(services[name]!).PORT} is scraped once`);
      assert.equal(scraped[0]!.job, `vigil-${name}`);
    }
  });

  it("labels the collector's series with the node compose names it (NodeMemoryPressure's target)", () => {
    const collector = scrapeTargets().find((t) => t.job === "vigil-collector")!;
    assert.equal(collector.labels.node, /:-([^}]+)\}/.exec(envOf(services.collector!).NODE_NAME ?? "")?.[1]);
  });

  it("loads the rule files compose mounts, and not the promtool unit tests next to them", () => {
    const config = "/etc/prometheus/prometheus.yml";
    assert.ok((services.prometheus!.command as string[]).includes(`--config.file=${config}`));
    const configFile = repoPathOf("prometheus", config);
    assert.equal(configFile, "deploy/prometheus/prometheus.yml");
    const rulesDir = posix.dirname(configFile);
    for (const glob of prometheus.rule_files as string[]) {
      const [dir, pattern] = [posix.dirname(glob), posix.basename(glob)];
      const re = new RegExp(`^${pattern.replace(/\./g, "\\.").replace(/\*/g, "[^/]*")}$`);
      const matched = readdirSync(join(root, rulesDir, dir)).filter((f) => re.test(f));
      assert.ok(matched.length >= 2, `${glob} matches the rule files (${matched.join(", ")})`);
      assert.ok(!matched.some((f) => f.endsWith(".test.yml")), `${glob} must not load unit tests`);
    }
  });

  it("sends alerts to the compose Alertmanager", () => {
    const targets = (prometheus.alerting.alertmanagers as Obj[]).flatMap((a) => (a.static_configs as Obj[]).flatMap((s) => s.targets));
    assert.deepEqual(targets, ["alertmanager:9093"]);
    assert.ok((services.alertmanager!.ports as string[]).includes("9093:9093"));
  });
});

describe("deploy/alertmanager/alertmanager.compose.yml in the compose stack", () => {
  const am = parse(read("deploy/alertmanager/alertmanager.compose.yml")) as Obj;

  it("is the file compose gives Alertmanager", () => {
    assert.ok((services.alertmanager!.command as string[]).includes("--config.file=/etc/alertmanager/alertmanager.yml"));
    assert.equal(repoPathOf("alertmanager", "/etc/alertmanager/alertmanager.yml"), "deploy/alertmanager/alertmanager.compose.yml");
  });

  it("delivers to the compose webhook's /alerts, resolved alerts included, untruncated", () => {
    const hook = (am.receivers as Obj[]).find((r) => r.name === "vigil")!.webhook_configs[0] as Obj;
    assert.equal(hook.url, `http://webhook:${envOf(services.webhook!).PORT}/alerts`);
    assert.equal(hook.send_resolved, true);
    assert.equal(hook.max_alerts, 0);
    assert.equal(services.alertmanager!.depends_on.webhook.condition, "service_healthy");
  });
});

describe("Grafana in the compose stack", () => {
  it("gets the compose Prometheus as its default data source", () => {
    const provisioning = repoPathOf("grafana", "/etc/grafana/provisioning/datasources/prometheus.yml")!;
    const { datasources } = parse(read(provisioning)) as Obj;
    assert.equal(datasources.length, 1);
    assert.equal(datasources[0].type, "prometheus");
    assert.equal(datasources[0].url, "http://prometheus:9090");
    assert.equal(datasources[0].isDefault, true);
    assert.equal(datasources[0].jsonData.timeInterval, prometheus.global.scrape_interval, "$__rate_interval follows the scrape interval");
  });

  it("loads every dashboard of deploy/grafana, and opens on the pipeline dashboard", () => {
    const provider = (parse(read(repoPathOf("grafana", "/etc/grafana/provisioning/dashboards/vigil.yml")!)) as Obj).providers[0] as Obj;
    const dir = repoPathOf("grafana", provider.options.path as string);
    assert.equal(dir, "deploy/grafana");
    const dashboards = readdirSync(join(root, dir)).filter((f) => f.endsWith(".json"));
    assert.deepEqual(dashboards.sort(), ["vigil-collector.json", "vigil-pipeline.json"]);
    const home = repoPathOf("grafana", envOf(services.grafana!).GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH!);
    assert.equal(home, "deploy/grafana/vigil-pipeline.json");
  });
});

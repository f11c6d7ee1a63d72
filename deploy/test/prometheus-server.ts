// A real Prometheus (the `prometheus` binary, Debian package `prometheus`) scraping given targets every second and
// evaluating given rule files, for tests that must see dashboards and rules run on real scraped data, not only parse.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { freePort, makeTempDir, spawnTracked, type TempDir, type TrackedProcess, waitFor } from "@vigil/testing";
import { stringify } from "yaml";

export interface ScrapeTarget {
  job: string;
  /** host:port */
  address: string;
  labels?: Record<string, string>;
}

export interface PrometheusHandle {
  url: string;
  /** An instant query; throws with Prometheus's error when it fails. */
  query(expr: string): Promise<unknown[]>;
  /** /api/v1/rules groups. */
  rules(): Promise<Array<{ name: string; rules: Array<{ name: string; health: string; lastError?: string; lastEvaluation: string }> }>>;
  stop(): Promise<void>;
}

/** Whether the binary is on the PATH; the caller skips with this reason when it is not. */
export const PROMETHEUS_MISSING = "prometheus is not on the PATH (apt-get install -y prometheus); CI installs it";

export async function startPrometheus(targets: ScrapeTarget[], ruleFiles: string[]): Promise<PrometheusHandle> {
  const dir: TempDir = await makeTempDir("prometheus");
  let proc: TrackedProcess | undefined;
  try {
    const configFile = join(dir.path, "prometheus.yml");
    writeFileSync(
      configFile,
      stringify({
        global: { scrape_interval: "1s", evaluation_interval: "1s" },
        rule_files: ruleFiles,
        scrape_configs: targets.map((t) => ({ job_name: t.job, static_configs: [{ targets: [t.address], labels: t.labels ?? {} }] })),
      }),
    );
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    proc = spawnTracked(
      "prometheus",
      [`--config.file=${configFile}`, `--storage.tsdb.path=${join(dir.path, "data")}`, `--web.listen-address=127.0.0.1:${port}`],
      { name: "prometheus" },
    );
    const started = proc;
    await started.raceExit(
      waitFor(async () => (await fetch(`${url}/-/ready`).catch(() => undefined))?.status === 200, {
        timeoutMs: 30_000,
        message: "prometheus ready",
      }),
      "prometheus start",
    );
    const api = async <T>(path: string): Promise<T> => {
      const body = (await (await fetch(`${url}${path}`)).json()) as { status: string; data: T; error?: string };
      if (body.status !== "success") throw new Error(`${path}: ${body.error ?? body.status}`);
      return body.data;
    };
    return {
      url,
      query: async (expr) => (await api<{ result: unknown[] }>(`/api/v1/query?query=${encodeURIComponent(expr)}`)).result,
      rules: async () => (await api<{ groups: Awaited<ReturnType<PrometheusHandle["rules"]>> }>("/api/v1/rules")).groups,
      stop: async () => {
        await started.stop();
        await dir.remove();
      },
    };
  } catch (err) {
    await proc?.stop();
    await dir.remove();
    throw err;
  }
}

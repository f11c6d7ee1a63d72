// A real Alertmanager that delivers notifications to a webhook under test, so tests exercise the
// payloads, auth headers and timing that production actually produces.
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { makeTempDir } from "./cleanup.js";
import { freePort } from "./ports.js";
import { spawnTracked, type TrackedProcess } from "./processes.js";
import { announce, findBinary, noSourceError } from "./sources.js";
import { waitFor } from "./wait.js";

export interface StartAlertmanagerOptions {
  /** Where Alertmanager POSTs notifications (the webhook under test). */
  webhookUrl: string;
  /** Sent as `Authorization: Bearer <token>`. Mutually exclusive with basicAuth. */
  bearerToken?: string;
  basicAuth?: { username: string; password: string };
  /**
   * Route grouping. Default ["..."]: no grouping, every distinct label set is its own group, so one
   * posted alert = one notification carrying exactly that alert. Use e.g. ["alertname"] to test batches.
   */
  groupBy?: string[];
  /** Delay before the first notification of a new group (default "0s": immediately). */
  groupWait?: string;
  /** Delay between notifications for a changed group, e.g. resolved (default "1s"). */
  groupInterval?: string;
  /** Re-send interval of an unchanged firing group (default "1h": effectively never in a test). */
  repeatInterval?: string;
  /** global.resolve_timeout for alerts posted without endsAt (Alertmanager default "5m"). */
  resolveTimeout?: string;
}

export interface AlertmanagerHandle {
  /** Base URL, http://127.0.0.1:<port> */
  url: string;
  port: number;
  /** Stops Alertmanager and removes its config/storage. Idempotent. */
  stop(): Promise<void>;
}

export interface PostableAlert {
  labels: Record<string, string>;
  annotations?: Record<string, string>;
  startsAt?: string;
  endsAt?: string;
  generatorURL?: string;
}

const ADDR_IN_USE = /address already in use/i;

/** Builds the Alertmanager config. JSON is valid YAML, which avoids a YAML dependency. */
export function alertmanagerConfig(opts: StartAlertmanagerOptions): Record<string, unknown> {
  if (opts.bearerToken !== undefined && opts.basicAuth !== undefined) {
    throw new Error("[vigil-testing] alertmanager: bearerToken and basicAuth are mutually exclusive");
  }
  const httpConfig: Record<string, unknown> = {};
  if (opts.bearerToken !== undefined) httpConfig["authorization"] = { type: "Bearer", credentials: opts.bearerToken };
  if (opts.basicAuth !== undefined) httpConfig["basic_auth"] = { ...opts.basicAuth };
  return {
    ...(opts.resolveTimeout !== undefined ? { global: { resolve_timeout: opts.resolveTimeout } } : {}),
    route: {
      receiver: "vigil-webhook",
      group_by: opts.groupBy ?? ["..."],
      group_wait: opts.groupWait ?? "0s",
      group_interval: opts.groupInterval ?? "1s",
      repeat_interval: opts.repeatInterval ?? "1h",
    },
    receivers: [
      {
        name: "vigil-webhook",
        webhook_configs: [
          {
            url: opts.webhookUrl,
            send_resolved: true,
            max_alerts: 0,
            ...(Object.keys(httpConfig).length > 0 ? { http_config: httpConfig } : {}),
          },
        ],
      },
    ],
  };
}

/** Starts the local Alertmanager binary (`prometheus-alertmanager` on Debian, or `alertmanager`). */
export async function startAlertmanager(opts: StartAlertmanagerOptions): Promise<AlertmanagerHandle> {
  const binary = findBinary(["prometheus-alertmanager", "alertmanager"]);
  if (!binary) {
    throw noSourceError("Alertmanager", [
      "install the binary: apt-get install -y prometheus-alertmanager",
      "or put an `alertmanager` binary (>= 0.25) on PATH",
    ]);
  }

  const dir = await makeTempDir("alertmanager");
  try {
    const configFile = join(dir.path, "alertmanager.yml");
    await writeFile(configFile, JSON.stringify(alertmanagerConfig(opts), null, 2));

    let port = 0;
    let proc: TrackedProcess | undefined;
    for (let attempt = 1; ; attempt++) {
      port = await freePort();
      try {
        proc = await launch(binary, configFile, dir.path, port);
        break;
      } catch (err) {
        if (attempt < 5 && err instanceof Error && ADDR_IN_USE.test(err.message)) continue;
        throw err;
      }
    }

    const url = `http://127.0.0.1:${port}`;
    announce("alertmanager", `binary ${binary} on 127.0.0.1:${port} -> ${opts.webhookUrl}`);
    let stopped = false;
    const server = proc;
    return {
      url,
      port,
      async stop() {
        if (stopped) return;
        stopped = true;
        await server.stop("SIGTERM", 5_000);
        await dir.remove();
      },
    };
  } catch (err) {
    await dir.remove();
    throw err;
  }
}

async function launch(binary: string, configFile: string, dir: string, port: number): Promise<TrackedProcess> {
  const proc = spawnTracked(
    binary,
    [
      `--config.file=${configFile}`,
      `--storage.path=${join(dir, "data")}`,
      `--web.listen-address=127.0.0.1:${port}`,
      // Empty = no HA gossip: nothing listens on 9094 (parallel instances would collide) and /-/ready
      // does not wait for cluster settling.
      "--cluster.listen-address=",
    ],
    { name: "alertmanager", cwd: dir },
  );
  try {
    const ready = waitFor(
      async () => {
        if (!proc.running) return true; // stop polling: raceExit below reports the exit
        const res = await fetch(`http://127.0.0.1:${port}/-/ready`, { signal: AbortSignal.timeout(2_000) });
        await res.body?.cancel();
        return res.status === 200;
      },
      { timeoutMs: 30_000, message: `alertmanager on port ${port} not ready` },
    ).catch((err: unknown) => {
      // Prefer the process' own words (bad config, ...) over a bare timeout.
      throw new Error(`${err instanceof Error ? err.message : String(err)}\n--- alertmanager log tail ---\n${proc.tail()}`);
    });
    // A bad config or busy port makes it exit at once: fail fast instead of polling until the timeout.
    await proc.raceExit(ready, "before /-/ready answered 200");
    return proc;
  } catch (err) {
    await proc.stop("SIGKILL");
    throw err;
  }
}

/** POSTs alerts to Alertmanager's v2 API (what Prometheus does); throws on a non-2xx answer. */
export async function postAlerts(amUrl: string, alerts: PostableAlert[]): Promise<void> {
  const res = await fetch(`${amUrl.replace(/\/+$/, "")}/api/v2/alerts`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(alerts),
    signal: AbortSignal.timeout(10_000),
  });
  if (!res.ok) {
    const body = await res.text().catch(() => "");
    throw new Error(`[vigil-testing] POST ${amUrl}/api/v2/alerts failed: ${res.status} ${res.statusText} ${body}`.trim());
  }
  await res.body?.cancel();
}

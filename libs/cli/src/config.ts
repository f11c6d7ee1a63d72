// Where the services are and how to reach NATS: flags first, then the environment, then the local stack `npm start`
// runs next to this checkout (its connection.json), then the defaults (every service on 127.0.0.1 at its default port).
import { type LocalStackConnection, SERVICE_NAMES, SERVICE_PORTS, type ServiceName } from "@vigil/contracts";
import { InvalidInputError } from "@vigil/errors";

export const serviceNames = SERVICE_NAMES;
export type { ServiceName };
export const defaultPorts: Record<ServiceName, number> = SERVICE_PORTS;

/** `ebpf-ingest` → `VIGIL_EBPF_INGEST_URL`. */
export const urlEnvOf = (service: ServiceName) => `VIGIL_${service.toUpperCase().replace(/-/g, "_")}_URL`;
/** `ebpf-ingest` → `--ebpf-ingest-url`. */
export const urlFlagOf = (service: ServiceName) => `${service}-url`;

export interface NatsSettings {
  url: string;
  token?: string;
  user?: string;
  password?: string;
}

export interface CliConfig {
  urls: Record<ServiceName, string>;
  nats: NatsSettings;
  /** EXECUTOR_API_TOKEN: approve, reject, pause, resume. */
  executorToken?: string;
  /** WEBHOOK_BEARER_TOKEN: replay. */
  webhookToken?: string;
  /** Per request. */
  timeoutMs: number;
}

function baseUrl(text: string, what: string): string {
  const withScheme = /^[a-z]+:\/\//i.test(text) ? text : `http://${text}`;
  try {
    return new URL(withScheme).toString().replace(/\/+$/, "");
  } catch {
    throw new InvalidInputError(`${what}: ${JSON.stringify(text)} is not a URL or host name`);
  }
}

/** `--host 10.0.0.5` / VIGIL_HOST: that host with each service's default port. */
function hostUrl(host: string, port: number): string {
  const url = new URL(baseUrl(host, "--host / VIGIL_HOST"));
  url.port = String(port);
  return url.toString().replace(/\/+$/, "");
}

export function loadConfig(flags: Record<string, unknown>, env: NodeJS.ProcessEnv, local?: LocalStackConnection): CliConfig {
  const text = (name: string) => {
    const value = flags[name];
    return typeof value === "string" ? value : undefined;
  };
  const host = text("host") ?? env["VIGIL_HOST"];
  const urls = {} as Record<ServiceName, string>;
  for (const service of serviceNames) {
    const explicit = text(urlFlagOf(service)) ?? env[urlEnvOf(service)];
    const started = host ? undefined : local?.services[service];
    urls[service] = explicit
      ? baseUrl(explicit, `--${urlFlagOf(service)} / ${urlEnvOf(service)}`)
      : (started ?? hostUrl(host ?? "127.0.0.1", defaultPorts[service]));
  }
  const timeoutText = text("timeout") ?? env["VIGIL_TIMEOUT_MS"] ?? "5000";
  const timeoutMs = Number(timeoutText);
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > 600_000)
    throw new InvalidInputError(`--timeout: ${JSON.stringify(timeoutText)} must be milliseconds between 1 and 600000`);
  const optional = (value: string | undefined) => (value ? value : undefined);
  const token = optional(env["NATS_TOKEN"]);
  const user = optional(env["NATS_USER"]);
  const password = optional(env["NATS_PASSWORD"]);
  const executorToken = optional(env["EXECUTOR_API_TOKEN"]) ?? local?.executorApiToken;
  const webhookToken = optional(env["WEBHOOK_BEARER_TOKEN"]);
  return {
    urls,
    nats: {
      url: text("nats-url") ?? env["NATS_URL"] ?? local?.natsUrl ?? "nats://127.0.0.1:4222",
      ...(token ? { token } : {}),
      ...(user ? { user } : {}),
      ...(password ? { password } : {}),
    },
    ...(executorToken ? { executorToken } : {}),
    ...(webhookToken ? { webhookToken } : {}),
    timeoutMs,
  };
}

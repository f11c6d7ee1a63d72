import { InvalidInputError, registerErrorClass } from "@vigil/errors";
import { z } from "zod";

const logLevel = z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]);

/** Environment every service understands; services extend it with their own variables. */
export const baseConfigShape = {
  NATS_URL: z.string().min(1).default("nats://127.0.0.1:4222"),
  NATS_TOKEN: z.string().min(1).optional(),
  NATS_USER: z.string().min(1).optional(),
  NATS_PASSWORD: z.string().min(1).optional(),
  NATS_STREAM_REPLICAS: z.coerce.number().int().min(1).max(5).default(1),
  NATS_RECONNECT_WAIT_MS: z.coerce.number().int().min(10).default(2000),
  PUBLISH_TIMEOUT_MS: z.coerce.number().int().min(100).default(5000),
  HOST: z.string().min(1).default("0.0.0.0"),
  PORT: z.coerce.number().int().min(0).max(65535),
  LOG_LEVEL: logLevel.default("info"),
  /** Kubernetes sends SIGTERM then waits terminationGracePeriodSeconds (30s by default). */
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(100).default(25_000),
  /** Keep serving this long after SIGTERM so endpoints controllers stop routing here first. */
  SHUTDOWN_DELAY_MS: z.coerce.number().int().min(0).default(0),
};

export type BaseConfig = z.infer<z.ZodObject<typeof baseConfigShape>>;

/** Invalid input of the service's own: its environment. Lists every problem, never only the first. */
export class ConfigError extends InvalidInputError {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`, { details: { problems } });
  }
}
registerErrorClass(ConfigError, "ConfigError");

/**
 * Parses the environment against the base shape plus the service's own, reporting every problem at once
 * (never only the first), with the variable name and the offending value.
 */
export function loadConfig<S extends z.ZodRawShape>(
  serviceShape: S,
  env: Readonly<Record<string, string | undefined>>,
  defaults: { port: number },
): BaseConfig & z.infer<z.ZodObject<S>> {
  const shape = { ...baseConfigShape, PORT: baseConfigShape.PORT.default(defaults.port), ...serviceShape };
  // Empty variables mean "unset", as in most deployment tooling.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = z.object(shape).safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((i) => {
        const key = i.path.join(".");
        const got = cleaned[key];
        const shown =
          got === undefined ? "unset" : /PASSWORD|TOKEN|SECRET/i.test(key) ? "(hidden)" : JSON.stringify(withoutCredentials(got));
        return `${key}: ${i.message} (got ${shown})`;
      }),
    );
  }
  return parsed.data as BaseConfig & z.infer<z.ZodObject<S>>;
}

/** A URL's password (`user:pass@` or `?password=`) hidden, so a config error never prints a credential. */
function withoutCredentials(value: string): string {
  return value.replace(/(\/\/[^/:@\s]*:)[^@/\s]*@/, "$1***@").replace(/([?&]password=)[^&\s]*/i, "$1***");
}

/** `"true"/"1"/"yes"` → true; for boolean environment variables. */
export const envBoolean = z.enum(["true", "false", "1", "0", "yes", "no"]).transform((v) => v === "true" || v === "1" || v === "yes");

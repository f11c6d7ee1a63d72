// `@vigil/service/testing`: a Vigil service started in-process for a test: a free port on loopback, quiet logs (TEST_LOG_LEVEL to see
// them), fast NATS reconnects and short timeouts, so outage and shutdown tests finish quickly.
import { type RunningService, type ServiceDefinition, startService } from "./service.js";
import type { z } from "zod";

export type TestService = RunningService<unknown> & { url: string };

export async function startTestService<S extends z.ZodRawShape>(
  def: ServiceDefinition<S>,
  natsUrl: string,
  env: Record<string, string> = {},
): Promise<TestService> {
  const svc = await startService(def, {
    NATS_URL: natsUrl,
    PORT: "0",
    HOST: "127.0.0.1",
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "silent",
    NATS_RECONNECT_WAIT_MS: "200",
    PUBLISH_TIMEOUT_MS: "2000",
    SHUTDOWN_TIMEOUT_MS: "5000",
    ...env,
  });
  return Object.assign(svc, { url: `http://127.0.0.1:${svc.port}` });
}

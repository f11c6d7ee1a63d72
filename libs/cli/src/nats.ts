// The CLI's NATS connection: the same settings as the services (NATS_URL, comma-separated, credentials in the URL or
// in NATS_TOKEN / NATS_USER + NATS_PASSWORD), but it gives up quickly instead of waiting for NATS forever as a
// service does: a command run by a person or a script should say "unreachable" and exit 3.
import type { JetStreamClient, JetStreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import { parseServers } from "@vigil/bus/servers";
import { UnavailableError } from "@vigil/errors";
import type { NatsSettings } from "./config.js";

export interface NatsHandle {
  nc: NatsConnection;
  jsm: JetStreamManager;
  js: JetStreamClient;
  url: string;
}

/** Shown in errors: the URL without credentials. */
export function redactNatsUrl(input: string): string {
  return parseServers(input).servers.join(",");
}

export async function connectNats(settings: NatsSettings, timeoutMs: number): Promise<NatsHandle> {
  // Loaded here, not at the top: only the commands that use NATS pay for the client (0.2-0.6 s per run measured).
  const [{ connect }, { jetstream, jetstreamManager }] = await Promise.all([
    import("@nats-io/transport-node"),
    import("@nats-io/jetstream"),
  ]);
  const { servers, auth: fromUrl } = parseServers(settings.url);
  const shown = servers.join(",");
  let nc: NatsConnection;
  try {
    nc = await connect({
      servers,
      name: "vigil-cli",
      timeout: timeoutMs,
      maxReconnectAttempts: 0,
      ...fromUrl,
      ...(settings.token ? { token: settings.token } : {}),
      ...(settings.user ? { user: settings.user, pass: settings.password ?? "" } : {}),
    });
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new UnavailableError(`cannot reach NATS at ${shown} (${why}); set NATS_URL (and NATS_TOKEN or NATS_USER/NATS_PASSWORD)`, {
      cause: err,
    });
  }
  try {
    const jsm = await jetstreamManager(nc, { timeout: timeoutMs });
    return { nc, jsm, js: jetstream(nc, { timeout: timeoutMs }), url: shown };
  } catch (err) {
    await nc.close().catch(() => undefined);
    const why = err instanceof Error ? err.message : String(err);
    throw new UnavailableError(`NATS at ${shown} has no JetStream (${why}); Vigil needs a JetStream-enabled server`, { cause: err });
  }
}

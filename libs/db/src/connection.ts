/** How every connection of a Database is made: URL, TLS, timeouts, type parsing, application name. */
import { readFileSync } from "node:fs";
import type { ConnectionOptions as TlsOptions } from "node:tls";
import type pg from "pg";
import type { SslMode } from "./config.js";
import { vigilTypes } from "./type-parsers.js";

export interface ConnectionOptions {
  /** postgres://user:password@host:5432/database; the password never reaches a log (see redactUrl). */
  url: string;
  /** Shown in pg_stat_activity, so an operator sees which service holds a connection: `vigil-executor`. */
  applicationName: string;
  /** Server-side statement limit (default 30 s; 0: none). */
  statementTimeoutMs?: number;
  /** How long to wait for a connection before failing as unavailable (default 5 s). */
  connectTimeoutMs?: number;
  /** TLS mode; unset leaves it to the URL. */
  ssl?: SslMode;
  /** PEM file of the CA for verify-ca / verify-full. */
  sslRootCert?: string;
}

/**
 * The client-side guard fires this long after the server's statement_timeout should have: it only
 * catches a connection that went silent (server gone without a FIN), never a merely slow statement.
 */
const SILENT_CONNECTION_GRACE_MS = 5_000;

export function clientConfig(opts: ConnectionOptions): pg.ClientConfig {
  const statementTimeoutMs = opts.statementTimeoutMs ?? 30_000;
  return {
    connectionString: opts.url,
    application_name: opts.applicationName,
    connectionTimeoutMillis: opts.connectTimeoutMs ?? 5_000,
    ...(statementTimeoutMs > 0
      ? { statement_timeout: statementTimeoutMs, query_timeout: statementTimeoutMs + SILENT_CONNECTION_GRACE_MS }
      : {}),
    // TCP keepalive notices a peer that vanished while a connection sits idle in the pool.
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
    types: vigilTypes,
    ...(opts.ssl !== undefined ? { ssl: tlsOptions(opts.ssl, opts.sslRootCert) } : {}),
  };
}

function tlsOptions(mode: SslMode, rootCert: string | undefined): false | TlsOptions {
  const ca = rootCert !== undefined ? { ca: readFileSync(rootCert, "utf8") } : {};
  switch (mode) {
    case "disable":
      return false;
    case "require":
      return { rejectUnauthorized: false };
    case "verify-ca":
      // The chain must lead to a trusted CA; the name in the certificate is not compared with the host.
      return { ...ca, rejectUnauthorized: true, checkServerIdentity: () => undefined };
    case "verify-full":
      return { ...ca, rejectUnauthorized: true };
  }
}

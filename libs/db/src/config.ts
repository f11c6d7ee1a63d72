/**
 * The environment of a service that uses PostgreSQL. The service kit merges this shape only for services
 * that ask for a database, so DATABASE_URL is required exactly where it is needed.
 */
import { existsSync } from "node:fs";
import { z } from "zod";

export const sslModes = ["disable", "require", "verify-ca", "verify-full"] as const;
/** As in libpq: `require` encrypts without checking the certificate, `verify-ca` checks the chain, `verify-full` also the host name. */
export type SslMode = (typeof sslModes)[number];

// Parameters of the URL that decide TLS; they and DATABASE_SSL must not both be given (which would win is pg's secret).
const URL_SSL_PARAMS = ["ssl", "sslmode", "sslrootcert", "sslcert", "sslkey", "uselibpqcompat"];

export const databaseConfigShape = {
  DATABASE_URL: z.string().refine(isPostgresUrl, { message: "must be a postgres:// or postgresql:// URL" }),
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(1000).default(10),
  /** Server-side limit per statement; 0 disables it (and the client-side guard derived from it). */
  DATABASE_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(0).default(30_000),
  /** How long a query waits for a connection before failing with "unavailable". */
  DATABASE_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).default(5_000),
  /** TLS towards PostgreSQL; unset leaves it to the URL (`?sslmode=`) or plain TCP. */
  DATABASE_SSL: z.enum(sslModes).optional(),
  /** PEM file of the CA that signed the server certificate (verify-ca / verify-full); default: Node's CA store. */
  DATABASE_SSL_ROOT_CERT: z.string().min(1).optional(),
};

export type DatabaseConfig = z.infer<z.ZodObject<typeof databaseConfigShape>>;

/** Cross-field problems, reported with the kit's other configuration errors (never only the first). */
export function checkDatabaseConfig(config: DatabaseConfig): string[] {
  const problems: string[] = [];
  const inUrl = URL_SSL_PARAMS.filter((p) => new URL(config.DATABASE_URL).searchParams.has(p));
  if (config.DATABASE_SSL && inUrl.length > 0) {
    problems.push(`DATABASE_SSL: set TLS either here or in DATABASE_URL, not both (the URL has ${inUrl.join(", ")})`);
  }
  if (config.DATABASE_SSL_ROOT_CERT) {
    if (config.DATABASE_SSL !== "verify-ca" && config.DATABASE_SSL !== "verify-full") {
      problems.push(`DATABASE_SSL_ROOT_CERT: only used with DATABASE_SSL=verify-ca or verify-full (got ${config.DATABASE_SSL ?? "unset"})`);
    } else if (!existsSync(config.DATABASE_SSL_ROOT_CERT)) {
      problems.push(`DATABASE_SSL_ROOT_CERT: no such file ${JSON.stringify(config.DATABASE_SSL_ROOT_CERT)}`);
    }
  }
  return problems;
}

/** The connection part of `createDatabase`'s options, from the parsed environment. */
export function databaseOptionsFromConfig(config: DatabaseConfig) {
  return {
    url: config.DATABASE_URL,
    poolMax: config.DATABASE_POOL_MAX,
    statementTimeoutMs: config.DATABASE_STATEMENT_TIMEOUT_MS,
    connectTimeoutMs: config.DATABASE_CONNECT_TIMEOUT_MS,
    ssl: config.DATABASE_SSL,
    sslRootCert: config.DATABASE_SSL_ROOT_CERT,
  };
}

function isPostgresUrl(value: string): boolean {
  try {
    const { protocol, hostname } = new URL(value);
    return (protocol === "postgres:" || protocol === "postgresql:") && hostname !== "";
  } catch {
    return false;
  }
}

/** The URL with its password (in the authority or as `?password=`) replaced, for logs and errors. */
export function redactUrl(value: string): string {
  try {
    const url = new URL(value);
    if (url.password) url.password = "***";
    if (url.searchParams.has("password")) url.searchParams.set("password", "***");
    return url.toString();
  } catch {
    return "(unparseable URL)";
  }
}

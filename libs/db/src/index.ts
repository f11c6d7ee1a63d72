// @vigil/db: PostgreSQL for Vigil services (pool, migrations under an advisory lock, typed queries).
export { createDatabase, Database, type DatabaseOptions } from "./database.js";
export type { ConnectionOptions } from "./connection.js";
export {
  checkDatabaseConfig,
  databaseConfigShape,
  databaseOptionsFromConfig,
  redactUrl,
  sslModes,
  type DatabaseConfig,
  type SslMode,
} from "./config.js";
export { sql, SqlQuery } from "./sql.js";
export type { Queryable } from "./queryable.js";
export { Transaction, type IsolationLevel, type TransactionOptions } from "./transaction.js";
export { migrate, type MigrateOptions } from "./migrate.js";
export { onceInTransaction, pruneProcessedMessages, type OnceKey } from "./idempotency.js";
export { DatabaseUnavailableError, isRetryableConflict, isUnavailable, QueryError, RowCountError, RowMappingError } from "./errors.js";

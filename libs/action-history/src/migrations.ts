// Where the history's SQL migrations are, for the executor's `migrate(db, { dir: ACTION_HISTORY_MIGRATIONS })`.
// Computed from this module's URL, so it resolves from src (tests, tsx) and from dist (the image ships
// `migrations/` next to `dist/`).
import { fileURLToPath } from "node:url";

export const ACTION_HISTORY_MIGRATIONS = fileURLToPath(new URL("../migrations", import.meta.url));

/** The migrations table the executor should pass to migrate() (one per service). */
export const ACTION_HISTORY_MIGRATIONS_TABLE = "pgmigrations_executor";

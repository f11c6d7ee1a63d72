// <dataDir>/connection.json: how to reach a running local stack (NATS, PostgreSQL, every service, the executor's API
// token), for the `vigil` CLI to find it without flags. Written once the services are started, removed at stop, and
// readable by its owner only: it holds the token that approves changes.
import { rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { LOCAL_STACK_CONNECTION_FILE, type LocalStackConnection } from "@vigil/contracts";

export async function writeConnection(dataDir: string, connection: LocalStackConnection): Promise<void> {
  await writeFile(join(dataDir, LOCAL_STACK_CONNECTION_FILE), `${JSON.stringify(connection, null, 2)}\n`, { mode: 0o600 });
}

export async function removeConnection(dataDir: string): Promise<void> {
  await rm(join(dataDir, LOCAL_STACK_CONNECTION_FILE), { force: true });
}

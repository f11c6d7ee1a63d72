// The stack `npm start` runs next to this checkout: its <data dir>/connection.json (VIGIL_DATA_DIR, else ./.vigil)
// says where NATS and every service listen and holds the executor's API token, so `npx vigil status` needs no flags.
// A file left by a stack that is gone (its process no longer runs) is ignored.
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { LOCAL_STACK_CONNECTION_FILE, localStackConnection, type LocalStackConnection } from "@vigil/contracts";

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it runs, as another user.
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
};

export function findLocalStack(env: NodeJS.ProcessEnv, cwd = process.cwd()): LocalStackConnection | undefined {
  const dir = env["VIGIL_DATA_DIR"] ? resolve(cwd, env["VIGIL_DATA_DIR"]) : join(cwd, ".vigil");
  let text: string;
  try {
    text = readFileSync(join(dir, LOCAL_STACK_CONNECTION_FILE), "utf8");
  } catch {
    return undefined;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = localStackConnection.safeParse(raw);
  return parsed.success && alive(parsed.data.pid) ? parsed.data : undefined;
}

// NATS for the stack: the user's (NATS_URL), or a JetStream nats-server from PATH with its store under the data dir
// (kept across runs, like a deployed server's volume).
import { join } from "node:path";
import { startLocalNats } from "@vigil/local-nats";

export interface StackNats {
  url: string;
  /** Set when the stack runs the server. */
  pid?: number;
  storeDir?: string;
  stop(): Promise<void>;
}

export async function startStackNats(opts: {
  url?: string;
  dataDir: string;
  port: number;
  onProblem: (line: string) => void;
}): Promise<StackNats> {
  if (opts.url) return { url: opts.url, stop: async () => {} };
  const storeDir = join(opts.dataDir, "nats");
  try {
    // nats-server's banner is noise here; its warnings and errors are not.
    const nats = await startLocalNats({
      storeDir,
      port: opts.port,
      onLine: (line) => /\[(WRN|ERR|FTL)\]/.test(line) && opts.onProblem(line),
    });
    return { url: nats.url, pid: nats.pid, storeDir, stop: () => nats.stop() };
  } catch (err) {
    throw new Error(`cannot start NATS: ${(err as Error).message}\n  or use a server you run: NATS_URL=nats://host:4222 npm start`);
  }
}

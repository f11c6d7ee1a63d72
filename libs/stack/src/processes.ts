// Small process and port helpers: the stack checks that what it stops is gone, and picks free ports itself so every
// URL is known before a service starts.
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import type { Readable } from "node:stream";

/** Calls `onLine` for every line a child writes to stdout or stderr, the last unterminated one included. */
export function forEachLine(streams: ReadonlyArray<Readable | null>, onLine: (line: string) => void): void {
  for (const stream of streams) {
    if (!stream) continue;
    let partial = "";
    stream.setEncoding("utf8");
    stream.on("data", (chunk: string) => {
      const parts = (partial + chunk).split("\n");
      partial = parts.pop() ?? "";
      parts.forEach(onLine);
    });
    stream.on("end", () => partial && onLine(partial));
  }
}

/** True while `pid` exists and is not a zombie (a zombie is dead, only not reaped yet). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
  try {
    const stat = readStat(pid);
    return stat !== "Z" && stat !== "X";
  } catch {
    return true;
  }
}

function readStat(pid: number): string {
  // "pid (comm) S ...": comm may contain spaces, so the state is read after the last ')'.
  const text = readFileSync(`/proc/${pid}/stat`, "utf8");
  return text.slice(text.lastIndexOf(")") + 2, text.lastIndexOf(")") + 3);
}

/** Resolves true once `pid` is gone, false when it still runs after `timeoutMs`. */
export async function waitUntilGone(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid)) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
  return true;
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", reject);
    server.listen({ host: "127.0.0.1", port: 0, exclusive: true }, () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close((err) => (err ? reject(err) : resolve(port)));
    });
  });
}

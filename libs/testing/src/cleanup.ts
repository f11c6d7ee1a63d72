// Last-resort cleanup: whatever a test forgot to stop (or could not stop because it crashed or was
// interrupted) is killed/removed synchronously when the test process goes away, so no server outlives
// the test run. Normal teardown should still go through each handle's async stop().
import { mkdtemp, rm } from "node:fs/promises";
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

type Hook = () => void;

const hooks = new Set<Hook>();
const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
let installed = false;

function runHooks(): void {
  // Newest first, like `defer`: a server is killed before the temp dir it writes into is removed.
  for (const hook of [...hooks].reverse()) {
    try {
      hook();
    } catch {
      // Best effort: one failing hook must not prevent the others.
    }
  }
  hooks.clear();
}

function onSignal(signal: NodeJS.Signals): void {
  runHooks();
  // Installing a listener disables Node's default "terminate on signal". If nobody else handles the
  // signal, restore the default and re-raise it so the process still dies with the right status.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on("exit", runHooks);
  for (const signal of SIGNALS) process.once(signal, onSignal);
}

/** Registers a synchronous hook run on process exit / SIGINT / SIGTERM / SIGHUP. Returns an unregister function. */
export function onProcessExit(hook: Hook): () => void {
  install();
  hooks.add(hook);
  return () => {
    hooks.delete(hook);
  };
}

export interface TempDir {
  path: string;
  /** Removes the directory (idempotent). */
  remove(): Promise<void>;
}

/** Creates a fresh temp dir that is removed at process exit if the caller never removes it. */
export async function makeTempDir(prefix: string): Promise<TempDir> {
  const path = await mkdtemp(join(tmpdir(), `vigil-${prefix}-`));
  const unregister = onProcessExit(() => rmSync(path, { recursive: true, force: true }));
  return {
    path,
    async remove() {
      unregister();
      await rm(path, { recursive: true, force: true });
    },
  };
}

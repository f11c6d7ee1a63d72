// Synchronous cleanup at process exit for what a crashed or interrupted test leaves behind (a cgroup
// directory, a child process). Normal teardown goes through each handle's async cleanup.
type Hook = () => void;

const hooks = new Set<Hook>();
let installed = false;

function runHooks(): void {
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
  // Our listener disabled Node's default "terminate on signal": re-raise it if nobody else handles it.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

/** Registers `hook` for exit / SIGINT / SIGTERM; returns the unregister function. */
export function atExit(hook: Hook): () => void {
  if (!installed) {
    installed = true;
    process.on("exit", runHooks);
    for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.once(signal, onSignal);
  }
  hooks.add(hook);
  return () => hooks.delete(hook);
}

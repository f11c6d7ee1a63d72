// Last-resort cleanup for the helpers here: a test that crashes or is interrupted must not leave a cgroup or an
// allocating process behind (normal teardown still calls remove()/cleanup()). The helpers ship in @vigil/tracers,
// which must not depend on the dev-only @vigil/testing, so they have this small hook of their own.
const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

/** Runs `hook` once, synchronously, when the process exits or gets SIGINT/SIGTERM/SIGHUP. Returns its unregister function. */
export function atExit(hook: () => void): () => void {
  const unregister = (): void => {
    process.removeListener("exit", onExit);
    for (const signal of SIGNALS) process.removeListener(signal, onSignal);
  };
  const onExit = (): void => {
    unregister();
    try {
      hook();
    } catch {
      // Best effort: the process is going away and nobody is left to tell.
    }
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    onExit();
    // Listening disabled Node's "terminate on signal": once no other listener handles it, re-raise it so the
    // process still dies of it.
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  };
  process.once("exit", onExit);
  for (const signal of SIGNALS) process.once(signal, onSignal);
  return unregister;
}

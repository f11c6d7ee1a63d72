// Where a test server comes from: an env var pointing at one the developer runs, a local binary, or a
// container. Shared lookup/probing/reporting so every start function resolves and explains the same way.
import { accessSync, constants, statSync } from "node:fs";
import { delimiter, join } from "node:path";

export type ServerSource = "env" | "binary" | "container";

/** Debian installs server binaries in sbin dirs that are not on every user's PATH. */
const SYSTEM_DIRS = ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"];

export function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** First executable named one of `names` on PATH, then in `extraDirs`, then in the usual system dirs. */
export function findBinary(names: readonly string[], extraDirs: readonly string[] = []): string | undefined {
  const pathDirs = (process.env["PATH"] ?? "").split(delimiter).filter(Boolean);
  const dirs = [...new Set([...pathDirs, ...extraDirs, ...SYSTEM_DIRS])];
  for (const name of names) {
    for (const dir of dirs) {
      const candidate = join(dir, name);
      if (isExecutable(candidate)) return candidate;
    }
  }
  return undefined;
}

/** One line on stderr naming the server actually used, so a confusing test run is easy to diagnose. */
export function announce(service: string, detail: string): void {
  process.stderr.write(`[vigil-testing] ${service}: ${detail}\n`);
}

let runtimeProbe: Promise<boolean> | undefined;

/**
 * Whether Docker/Podman is reachable, probed once per process. `testcontainers` is imported lazily:
 * it is heavy and most runs use local binaries.
 */
export function containerRuntimeAvailable(): Promise<boolean> {
  runtimeProbe ??= (async () => {
    try {
      const { getContainerRuntimeClient } = await import("testcontainers");
      await getContainerRuntimeClient();
      return true;
    } catch {
      return false;
    }
  })();
  return runtimeProbe;
}

/** The error thrown when no source works: says exactly what to install or set. */
export function noSourceError(service: string, advice: readonly string[]): Error {
  return new Error(
    `[vigil-testing] cannot start ${service} for tests: no usable source found. Fix one of:\n` +
      advice.map((line) => `  - ${line}`).join("\n"),
  );
}

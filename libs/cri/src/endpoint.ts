import { lstat, readlink, stat } from "node:fs/promises";
import { join } from "node:path";

export type RuntimeName = "containerd" | "cri-o";

/** Where the runtime listens, as a gRPC target (`unix:///run/...` or `host:port`). */
export interface RuntimeEndpoint {
  target: string;
  /** The socket file, for unix endpoints. */
  path?: string;
  /** Known for discovered sockets; a configured endpoint could be anything. */
  runtime?: RuntimeName;
  source: "configured" | "discovered";
}

/**
 * Checked in this order, first hit wins: containerd before CRI-O, /run before /var/run. A fixed list, not a
 * map, so a node with two sockets always picks the same one.
 */
export const RUNTIME_SOCKETS: readonly { runtime: RuntimeName; path: string }[] = [
  { runtime: "containerd", path: "/run/containerd/containerd.sock" },
  { runtime: "containerd", path: "/var/run/containerd/containerd.sock" },
  { runtime: "cri-o", path: "/run/crio/crio.sock" },
  { runtime: "cri-o", path: "/var/run/crio/crio.sock" },
];

/**
 * Parses a configured endpoint: `unix:///path`, `unix:/path` or a bare absolute path (a unix socket), or
 * `host:port` / `tcp://host:port` (used by tests). The path is taken as is, not re-rooted under a host root.
 */
export function parseEndpoint(endpoint: string): RuntimeEndpoint {
  const s = endpoint.trim();
  if (s.startsWith("unix:") || s.startsWith("/")) {
    const path = s.startsWith("/") ? s : "/" + s.slice("unix:".length).replace(/^\/+/, "");
    return { target: `unix://${path}`, path, source: "configured" };
  }
  const hostPort = s.replace(/^tcp:\/\//, "");
  if (!/^[^/\s]+:\d+$/.test(hostPort)) throw new Error(`CRI endpoint "${endpoint}": expected unix:///path, /path or host:port`);
  return { target: hostPort, source: "configured" };
}

export interface DiscoverOptions {
  /** Where the host's / is mounted (a DaemonSet's hostPath, e.g. /host). Default "/". */
  hostRoot?: string;
  /** An explicit endpoint wins over discovery (and is not checked here: the client reports a dead one). */
  endpoint?: string;
}

/** The configured endpoint, else the first socket of RUNTIME_SOCKETS present under hostRoot; undefined when none is. */
export async function discoverRuntime(options: DiscoverOptions = {}): Promise<RuntimeEndpoint | undefined> {
  if (options.endpoint) return parseEndpoint(options.endpoint);
  const root = options.hostRoot ?? "/";
  for (const candidate of RUNTIME_SOCKETS) {
    const path = await resolveUnderRoot(root, candidate.path);
    if (path === undefined) continue;
    // A leftover regular file or directory (a socket path a stopped runtime never cleaned) is not a runtime.
    const isSocket = await stat(path).then(
      (s) => s.isSocket(),
      () => false,
    );
    if (isSocket) return { target: `unix://${path}`, path, runtime: candidate.runtime, source: "discovered" };
  }
  return undefined;
}

/**
 * Resolves `path` as the host would, inside `root`: with the host's / mounted at /host, /host/var/run is
 * usually a symlink to the absolute "/run", which the kernel would resolve inside the collector's own
 * filesystem. Returns the real path under root, or undefined when a component does not exist.
 */
export async function resolveUnderRoot(root: string, path: string): Promise<string | undefined> {
  let pending = path.split("/").filter((p) => p !== "" && p !== ".");
  let resolved: string[] = [];
  let hops = 0;
  while (pending.length > 0) {
    const [part, ...rest] = pending as [string, ...string[]];
    pending = rest;
    if (part === "..") {
      resolved.pop(); // never above root, like a chroot
      continue;
    }
    const next = [...resolved, part];
    const info = await lstat(join(root, ...next)).catch(() => undefined);
    if (!info) return undefined;
    if (!info.isSymbolicLink()) {
      resolved = next;
      continue;
    }
    if (++hops > 40) return undefined; // ELOOP
    const target = await readlink(join(root, ...next));
    if (target.startsWith("/")) resolved = [];
    pending = [...target.split("/").filter((p) => p !== "" && p !== "."), ...pending];
  }
  return join(root, ...resolved);
}

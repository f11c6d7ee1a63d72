// Bounded walks of a cgroup hierarchy. Every cgroup is a directory; a node has a few hundred, but a
// runaway workload can create many more, so depth and count are capped.
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";

export interface WalkOptions {
  /** Levels below the root to visit (the root is depth 0); default 8, kubepods containers sit at 3-4. */
  maxDepth?: number;
  /** Stop after this many directories; default 20000. */
  maxDirs?: number;
  /** Return false to skip a directory's children (it is still yielded). */
  descend?: (relPath: string, absPath: string) => boolean | Promise<boolean>;
}

/** Yields the relative path ("/" for the root, "/a/b" below) of every cgroup directory, breadth-first. */
export async function* walkCgroups(root: string, opts: WalkOptions = {}): AsyncGenerator<string> {
  const maxDepth = opts.maxDepth ?? 8;
  const maxDirs = opts.maxDirs ?? 20_000;
  let level: string[] = ["/"];
  let seen = 0;
  for (let depth = 0; level.length > 0; depth++) {
    const next: string[] = [];
    for (const rel of level) {
      if (seen++ >= maxDirs) return;
      yield rel;
      if (depth >= maxDepth) continue;
      const abs = join(root, rel);
      if (opts.descend && !(await opts.descend(rel, abs))) continue;
      // A cgroup can vanish between listing and reading: skip it rather than fail the walk.
      const entries = await readdir(abs, { withFileTypes: true }).catch(() => []);
      for (const e of entries) if (e.isDirectory()) next.push(rel === "/" ? `/${e.name}` : `${rel}/${e.name}`);
    }
    level = next;
  }
}

/**
 * Maps a cgroup's kernfs id (what BPF sees: cgroup->kn->id, also its directory's inode number) to its
 * path. Ids are never reused within a boot, so hits are cached; misses walk the tree once.
 */
export class CgroupIdResolver {
  private readonly cache = new Map<string, string>();

  constructor(
    private readonly root: string,
    private readonly walk: WalkOptions = {},
    private readonly cacheSize = 1024,
  ) {}

  /** The cgroup path relative to the root, or undefined if no directory has that id (removed already). */
  async resolve(id: bigint | number, leafName?: string): Promise<string | undefined> {
    const key = String(id);
    const hit = this.cache.get(key);
    if (hit !== undefined) return hit;
    // The root cgroup is its own special case: its name is "" (v1 shows "/") and its id 1.
    const rootIno = (await stat(this.root, { bigint: true }).catch(() => undefined))?.ino;
    if (rootIno !== undefined && String(rootIno) === key) return this.remember(key, "/");
    for await (const rel of walkCgroups(this.root, this.walk)) {
      if (rel === "/") continue;
      if (leafName && !rel.endsWith(`/${leafName}`)) continue;
      const st = await stat(join(this.root, rel), { bigint: true }).catch(() => undefined);
      if (st && String(st.ino) === key) return this.remember(key, rel);
    }
    return undefined;
  }

  private remember(key: string, path: string): string {
    if (this.cache.size >= this.cacheSize) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
    this.cache.set(key, path);
    return path;
  }
}

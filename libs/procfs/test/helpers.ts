import { mkdtempSync, readFileSync, rmSync, symlinkSync, unlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Clock, type FsCalls, type FsUsage, type NodeSample, type NodeSamplerOptions, makedev, NodeSampler } from "../src/index.js";

export const fixturesDir = fileURLToPath(new URL("./fixtures/", import.meta.url));

/** A fixture laid out as a host root (proc/, sys/, etc/). */
export const fixture = (name: string): string => join(fixturesDir, name);

/** Text of one file of a fixture, e.g. read("this-machine-t0", "proc/stat"). */
export const read = (name: string, path: string): string => readFileSync(join(fixture(name), path), "utf8");

/** A clock the test moves by hand. */
export class FakeClock implements Clock {
  constructor(
    public wallMs = Date.parse("2026-01-01T00:00:00Z"),
    public monoMs = 1000,
  ) {}
  wall = (): number => this.wallMs;
  monotonic = (): number => this.monoMs;
  advance(ms: number): void {
    this.wallMs += ms;
    this.monoMs += ms;
  }
}

/**
 * A host root that can be pointed at another fixture between two samples (a symlink swap), so one
 * sampler sees the t0 capture and then the t1 capture.
 */
export class SwitchableRoot {
  private readonly dir = mkdtempSync(join(tmpdir(), "procfs-"));
  readonly path = join(this.dir, "host");

  use(name: string): void {
    try {
      unlinkSync(this.path);
    } catch {
      // first use: nothing to replace
    }
    symlinkSync(fixture(name), this.path);
  }

  close(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Fake statfs answers keyed by host mountpoint: the probe sees a matching device and these sizes. */
export function fakeFsCalls(hostRoot: string, mounts: Record<string, { major: number; minor: number; usage: FsUsage }>): FsCalls {
  const byPath = new Map(Object.entries(mounts).map(([mp, m]) => [join(hostRoot, mp), m]));
  const get = (path: string) => {
    const m = byPath.get(path);
    if (!m) throw Object.assign(new Error(`ENOENT: ${path}`), { code: "ENOENT" });
    return m;
  };
  return {
    statDev: (path) => {
      const m = get(path);
      return makedev(m.major, m.minor);
    },
    statfs: (path) => get(path).usage,
    statDevAsync: (path, cb) =>
      setImmediate(() => {
        try {
          const m = get(path);
          cb(null, makedev(m.major, m.minor));
        } catch (err) {
          cb(err as Error);
        }
      }),
    statfsAsync: (path, cb) =>
      setImmediate(() => {
        try {
          cb(null, get(path).usage);
        } catch (err) {
          cb(err as Error);
        }
      }),
  };
}

/**
 * Samples fixture `<name>-t0`, moves the clock by `elapsedMs`, samples `<name>-t1`. The filesystem
 * probe answers nothing unless `fsCalls` is given, so results do not depend on the machine's disks.
 */
export function samplePair(
  name: string,
  elapsedMs: number,
  options: Omit<Partial<NodeSamplerOptions>, "fsCalls"> & { fsCalls?: (hostRoot: string) => FsCalls } = {},
): { first: NodeSample; second: NodeSample; clock: FakeClock } {
  const root = new SwitchableRoot();
  try {
    const clock = new FakeClock();
    const { fsCalls, ...rest } = options;
    const sampler = new NodeSampler({
      node: "node-1",
      hostRoot: root.path,
      clock,
      pageSize: 4096,
      fsCalls: fsCalls ? fsCalls(root.path) : fakeFsCalls(root.path, {}),
      ...rest,
    });
    root.use(`${name}-t0`);
    const first = sampler.sample();
    clock.advance(elapsedMs);
    root.use(`${name}-t1`);
    const second = sampler.sample();
    return { first, second, clock };
  } finally {
    root.close();
  }
}

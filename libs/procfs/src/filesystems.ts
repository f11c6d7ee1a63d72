import { stat, statfs, statfsSync, statSync } from "node:fs";
import { join } from "node:path";
import { type MountEntry, makedev, NETWORK_FSTYPES } from "./mounts.js";
import { roundPct } from "./rates.js";
import type { FilesystemSample } from "./types.js";

/** The statfs(2) fields used, in blocks of `bsize` bytes (Linux reports f_bsize = f_frsize for block filesystems). */
export interface FsUsage {
  bsize: number;
  blocks: number;
  bfree: number;
  bavail: number;
  files: number;
  ffree: number;
}

/** File system calls the probe makes; tests substitute them. Sync calls throw on error, async ones pass it. */
export interface FsCalls {
  statDev(path: string): number;
  statfs(path: string): FsUsage;
  statDevAsync(path: string, cb: (err: Error | null, dev?: number) => void): void;
  statfsAsync(path: string, cb: (err: Error | null, usage?: FsUsage) => void): void;
}

export const nodeFsCalls: FsCalls = {
  statDev: (path) => statSync(path).dev,
  statfs: (path) => statfsSync(path),
  statDevAsync: (path, cb) => stat(path, (err, st) => cb(err, st?.dev)),
  statfsAsync: (path, cb) => statfs(path, (err, st) => cb(err, st)),
};

/**
 * Usage of each selected filesystem, read through `hostRoot` (the host's root mounted in the container).
 *
 * Before trusting statfs on `<hostRoot><mountpoint>`, the probe checks that the path's st_dev is the
 * mount's device. When the host root is not mounted, or a host mount did not propagate into the container,
 * the path is just a directory of some other filesystem and statfs would report that one's usage under
 * this mount's name; such a mount is left out instead. btrfs is exempt: stat reports a per-subvolume
 * device there, not the superblock's.
 *
 * Local filesystems are read synchronously (microseconds). A network filesystem is read asynchronously
 * on the thread pool and reported from its last completed read, so a dead NFS server can stall a pool
 * thread but never the sampler; while a read is outstanding no new one is started.
 */
export class FilesystemProbe {
  private readonly remote = new Map<string, { usage?: FsUsage; pending: boolean }>();
  /** statfs of each filesystem the last `sample()` reported, by mountpoint: a new map per sample. */
  lastUsage: ReadonlyMap<string, FsUsage> = new Map();

  constructor(
    private readonly hostRoot: string,
    private readonly calls: FsCalls = nodeFsCalls,
  ) {}

  /** Undefined when there were filesystems to read but none could be: unknown, not "no filesystems". */
  sample(mounts: readonly MountEntry[]): FilesystemSample[] | undefined {
    const out: FilesystemSample[] = [];
    const usageByMount = new Map<string, FsUsage>();
    const seenRemote = new Set<string>();
    for (const m of mounts) {
      const path = join(this.hostRoot, m.mountpoint);
      let usage: FsUsage | undefined;
      if (NETWORK_FSTYPES.has(m.fstype)) {
        seenRemote.add(path);
        usage = this.remoteUsage(path, m);
      } else {
        usage = this.localUsage(path, m);
      }
      if (usage) {
        out.push(toSample(m, usage));
        usageByMount.set(m.mountpoint, usage);
      }
    }
    for (const path of this.remote.keys()) if (!seenRemote.has(path)) this.remote.delete(path);
    this.lastUsage = usageByMount;
    return mounts.length > 0 && out.length === 0 ? undefined : out;
  }

  private localUsage(path: string, m: MountEntry): FsUsage | undefined {
    try {
      if (m.fstype !== "btrfs" && this.calls.statDev(path) !== makedev(m.major, m.minor)) return undefined;
      return this.calls.statfs(path);
    } catch {
      return undefined;
    }
  }

  private remoteUsage(path: string, m: MountEntry): FsUsage | undefined {
    let entry = this.remote.get(path);
    if (!entry) {
      entry = { pending: false };
      this.remote.set(path, entry);
    }
    if (!entry.pending) {
      const e = entry;
      e.pending = true;
      this.calls.statDevAsync(path, (err, dev) => {
        if (err || dev !== makedev(m.major, m.minor)) {
          e.pending = false;
          delete e.usage;
          return;
        }
        this.calls.statfsAsync(path, (err2, usage) => {
          e.pending = false;
          if (err2 || !usage) delete e.usage;
          else e.usage = usage;
        });
      });
    }
    return entry.usage;
  }
}

function toSample(m: MountEntry, u: FsUsage): FilesystemSample {
  const s: FilesystemSample = {
    mountpoint: m.mountpoint,
    device: m.source,
    fstype: m.fstype,
    sizeBytes: u.blocks * u.bsize,
    usedBytes: (u.blocks - u.bfree) * u.bsize,
    // What unprivileged writers can still use: bfree minus the root-reserved blocks.
    availBytes: u.bavail * u.bsize,
    readOnly: m.readOnly,
  };
  // btrfs, vfat and some network filesystems report no inode counts; that is unknown, not 0 %.
  if (u.files > 0) s.inodesUsedPct = roundPct((100 * (u.files - u.ffree)) / u.files);
  return s;
}

export interface MountEntry {
  /** st_dev of the mounted filesystem; identical for every mount (bind or not) of one superblock. */
  major: number;
  minor: number;
  /** The directory of the filesystem that is mounted here: "/" unless this is a bind mount of a subtree. */
  root: string;
  mountpoint: string;
  fstype: string;
  source: string;
  /** Superblock options: "ro" here means the filesystem itself is read-only (e.g. remounted after errors). */
  readOnly: boolean;
}

// mountinfo escapes space, tab, newline and backslash as \040, \011, \012, \134.
const unescape = (s: string): string => s.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8)));

/**
 * Parses /proc/<pid>/mountinfo: "36 35 98:0 /root /mnt rw,noatime master:1 - ext3 /dev/sda1 rw,errors=continue".
 * Used rather than /proc/mounts for the device number, which identifies a filesystem across bind mounts
 * and lets the probe check that a path really reaches the mount it was listed for.
 */
export function parseMountinfo(text: string): MountEntry[] {
  const out: MountEntry[] = [];
  for (const line of text.split("\n")) {
    const f = line.split(" ");
    const sep = f.indexOf("-", 6);
    const [major, minor] = (f[2] ?? "").split(":").map(Number);
    const root = f[3];
    const mountpoint = f[4];
    const fstype = f[sep + 1];
    const source = f[sep + 2];
    if (sep < 0 || major === undefined || minor === undefined || !Number.isInteger(major) || !Number.isInteger(minor)) continue;
    if (root === undefined || mountpoint === undefined || fstype === undefined || source === undefined) continue;
    out.push({
      major,
      minor,
      root: unescape(root),
      mountpoint: unescape(mountpoint),
      fstype,
      source: unescape(source),
      readOnly: (f[sep + 3] ?? "").split(",").includes("ro"),
    });
  }
  return out;
}

/** Filesystems on block devices: what can fill up and take a node down. */
export const LOCAL_FSTYPES: ReadonlySet<string> = new Set([
  "ext2",
  "ext3",
  "ext4",
  "xfs",
  "btrfs",
  "zfs",
  "f2fs",
  "bcachefs",
  "jfs",
  "reiserfs",
  "vfat",
  "exfat",
  "ntfs",
  "ntfs3",
  "fuseblk",
]);

/** Network filesystems: statfs on them can block for as long as the server is unreachable. */
export const NETWORK_FSTYPES: ReadonlySet<string> = new Set(["nfs", "nfs4", "cifs", "smb3", "ceph", "glusterfs"]);

/**
 * One mount per filesystem among LOCAL_FSTYPES and NETWORK_FSTYPES; tmpfs, overlay, proc, sysfs, cgroup
 * and the like are left out. A Kubernetes node mounts the same disk dozens of times (kubelet volume and
 * subPath bind mounts); the representative is the first mount of the filesystem's root, which is where it
 * was mounted before any bind mount or pod reused it (/ rather than a subPath, a CSI volume's globalmount
 * rather than a pod's path).
 */
export function selectFilesystems(mounts: readonly MountEntry[]): MountEntry[] {
  const best = new Map<string, MountEntry>();
  for (const m of mounts) {
    if (!LOCAL_FSTYPES.has(m.fstype) && !NETWORK_FSTYPES.has(m.fstype)) continue;
    const key = `${m.major}:${m.minor}`;
    const seen = best.get(key);
    if (!seen || (seen.root !== "/" && m.root === "/")) best.set(key, m);
  }
  return [...best.values()];
}

/** glibc's makedev(): the st_dev that stat() reports for a device number. */
export function makedev(major: number, minor: number): number {
  return (major & 0xfff) * 2 ** 8 + (major >>> 12) * 2 ** 44 + (minor & 0xff) + (minor >>> 8) * 2 ** 20;
}

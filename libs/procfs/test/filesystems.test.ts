import assert from "node:assert/strict";
import { statfsSync } from "node:fs";
import { describe, it } from "node:test";
import { setImmediate as tick } from "node:timers/promises";
import {
  type FsCalls,
  type FsUsage,
  type MountEntry,
  FilesystemProbe,
  makedev,
  parseMountinfo,
  readText,
  selectFilesystems,
} from "../src/index.js";
import { fakeFsCalls, read } from "./helpers.js";

const usage = (blocks: number, bfree: number, bavail: number, files = 1000, ffree = 900): FsUsage => ({
  bsize: 4096,
  blocks,
  bfree,
  bavail,
  files,
  ffree,
});

describe("mount table", () => {
  const k8s = parseMountinfo(read("big-node-t0", "proc/1/mountinfo"));

  it("parseMountinfo: device numbers, bind roots, escapes, superblock read-only", () => {
    assert.equal(k8s.length, 21);
    assert.deepEqual(k8s[0], {
      major: 259,
      minor: 1,
      root: "/",
      mountpoint: "/",
      fstype: "xfs",
      source: "/dev/nvme0n1p1",
      readOnly: false,
    });
    assert.equal(k8s.find((m) => m.fstype === "cifs")?.mountpoint, "/mnt/nas backup");
    assert.equal(k8s.find((m) => m.mountpoint === "/mnt/raid")?.readOnly, true);
    assert.equal(k8s.find((m) => m.root.endsWith("kubernetes.io~configmap/config"))?.major, 259);
    // The real capture: this machine's single ext4 root.
    const local = selectFilesystems(parseMountinfo(read("this-machine-t0", "proc/1/mountinfo")));
    assert.deepEqual(local, [{ major: 254, minor: 0, root: "/", mountpoint: "/", fstype: "ext4", source: "/dev/vda", readOnly: false }]);
  });

  it("selectFilesystems: block and network filesystems once each, at the first mount of their root", () => {
    assert.deepEqual(
      selectFilesystems(k8s).map((m) => [m.mountpoint, m.fstype]),
      [
        ["/", "xfs"], // not the subPath bind mount of the same disk
        ["/data", "ext4"], // not the local PV bound from /data/k8s/pv-local-1
        ["/var/lib/containerd", "xfs"],
        ["/mnt/raid", "ext4"],
        ["/var/lib/kubelet/pods/2b3c4d5e-6f70-4182-93a4-b5c6d7e8f901/volumes/kubernetes.io~nfs/pvc-shared", "nfs4"],
        ["/var/lib/kubelet/plugins/kubernetes.io/csi/ebs.csi.aws.com/8f7e6d5c4b3a29180716253443526170/globalmount", "ext4"],
        ["/mnt/nas backup", "cifs"],
        ["/var/lib/docker", "btrfs"], // a subvolume is the only mount of that filesystem
      ],
    );
  });

  it("makedev matches what stat reports", () => {
    assert.equal(makedev(254, 0), 0xfe00);
    assert.equal(makedev(259, 3), 259 * 256 + 3);
    assert.equal(makedev(0, 300), (300 >>> 8) * 2 ** 20 + (300 & 0xff));
    assert.equal(makedev(4096, 0), 2 ** 44);
  });
});

describe("FilesystemProbe", () => {
  const host = "/host";
  const selected = selectFilesystems(parseMountinfo(read("big-node-t0", "proc/1/mountinfo")));
  const nfs = "/var/lib/kubelet/pods/2b3c4d5e-6f70-4182-93a4-b5c6d7e8f901/volumes/kubernetes.io~nfs/pvc-shared";
  const csi = "/var/lib/kubelet/plugins/kubernetes.io/csi/ebs.csi.aws.com/8f7e6d5c4b3a29180716253443526170/globalmount";
  const calls = fakeFsCalls(host, {
    "/": { major: 259, minor: 1, usage: usage(1000, 400, 350) },
    // /data did not propagate into the container: the path is a directory of the root filesystem.
    "/data": { major: 259, minor: 1, usage: usage(1000, 400, 350) },
    "/var/lib/containerd": { major: 253, minor: 0, usage: usage(2000, 1000, 900) },
    "/mnt/raid": { major: 9, minor: 0, usage: usage(500, 500, 500, 0, 0) },
    [nfs]: { major: 0, minor: 52, usage: usage(10_000, 5_000, 5_000) },
    [csi]: { major: 259, minor: 4, usage: usage(100, 90, 90) },
    "/mnt/nas backup": { major: 0, minor: 53, usage: usage(8_000, 2_000, 2_000) },
    // btrfs reports the subvolume's anonymous device, not the superblock's: accepted anyway.
    "/var/lib/docker": { major: 0, minor: 99, usage: usage(3000, 1500, 1500, 0, 0) },
  });

  it("local filesystems at once; a path that does not reach its mount is left out; network ones from the next sample", async () => {
    const probe = new FilesystemProbe(host, calls);
    const first = probe.sample(selected) ?? [];
    assert.deepEqual(
      first.map((f) => f.mountpoint),
      ["/", "/var/lib/containerd", "/mnt/raid", csi, "/var/lib/docker"],
    );
    assert.deepEqual(first[0], {
      mountpoint: "/",
      device: "/dev/nvme0n1p1",
      fstype: "xfs",
      sizeBytes: 4096000,
      usedBytes: 2457600,
      availBytes: 1433600,
      readOnly: false,
      inodesUsedPct: 10,
    });
    // No inode counts (files = 0) is unknown, not 0 %; md0 is mounted read-only by errors=remount-ro.
    assert.deepEqual(first[2], {
      mountpoint: "/mnt/raid",
      device: "/dev/md0",
      fstype: "ext4",
      sizeBytes: 2048000,
      usedBytes: 0,
      availBytes: 2048000,
      readOnly: true,
    });
    await tick();
    await tick();
    const second = probe.sample(selected) ?? [];
    assert.deepEqual(
      second.map((f) => f.mountpoint),
      ["/", "/var/lib/containerd", "/mnt/raid", nfs, csi, "/mnt/nas backup", "/var/lib/docker"],
    );
    assert.equal(second.find((f) => f.fstype === "nfs4")?.device, "10.0.0.5:/exports/shared");
  });

  it("a hung network filesystem is asked once and stays absent; the sampler never waits for it", () => {
    let asked = 0;
    const hung: FsCalls = { ...calls, statDevAsync: () => void asked++ };
    const probe = new FilesystemProbe(host, hung);
    for (let i = 0; i < 3; i++) {
      const mounts = (probe.sample(selected) ?? []).map((f) => f.mountpoint);
      assert.ok(!mounts.includes(nfs));
    }
    assert.equal(asked, 2, "one outstanding call each for the nfs and the cifs mount");
  });

  it("nothing readable: undefined, while no filesystems at all is an empty list", () => {
    const probe = new FilesystemProbe(host, fakeFsCalls(host, {}));
    assert.equal(probe.sample(selected), undefined);
    assert.deepEqual(probe.sample([]), []);
  });

  it("on this machine: the root filesystem's statfs, checked against its device", () => {
    const mountinfo = readText("/proc/self/mountinfo", "utf8") ?? "";
    const mounts: MountEntry[] = selectFilesystems(parseMountinfo(mountinfo));
    const root = mounts.find((m) => m.mountpoint === "/");
    if (!root) return; // an overlay root (a container) has no block filesystem at "/"
    const fs = new FilesystemProbe("/").sample([root])?.[0];
    const st = statfsSync("/");
    assert.equal(fs?.sizeBytes, st.blocks * st.bsize);
    assert.equal(fs?.fstype, root.fstype);
  });
});

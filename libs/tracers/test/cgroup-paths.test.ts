// Cgroup hierarchies: mounts, /proc/cgroups (container paths and /proc/<pid>/cgroup are @vigil/procfs's).
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { commonAncestor, hierarchyMountPoints, listCgroupHierarchies, memorySubsysIndex } from "../src/cgroup-fs.js";

test("commonAncestor", () => {
  assert.equal(commonAncestor("/a/b/c", "/a/b/d"), "/a/b");
  assert.equal(commonAncestor("/a/b", "/a/b"), "/a/b");
  assert.equal(commonAncestor("/a", "/b"), "/");
  assert.equal(commonAncestor("/ab", "/a"), "/");
});

test("mounts and /proc/cgroups: hierarchies, the memory controller's index, hierarchy ids", async (t) => {
  const dir = await mkdtemp(join(tmpdir(), "vigil-tracers-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const mounts = join(dir, "mounts");
  const cgroups = join(dir, "cgroups");
  await writeFile(
    mounts,
    [
      "tmpfs /sys/fs/cgroup tmpfs rw,relatime,mode=755 0 0",
      "cgroup /sys/fs/cgroup/cpu cgroup rw,relatime,cpu 0 0",
      "cgroup /sys/fs/cgroup/memory cgroup rw,relatime,memory 0 0",
      "cgroup /mnt/memory\\040again cgroup rw,relatime,memory 0 0",
      "cgroup /sys/fs/cgroup/systemd cgroup rw,relatime,name=systemd 0 0",
      "cgroup2 /nonexistent/unified cgroup2 rw,relatime 0 0",
      "",
    ].join("\n"),
  );
  await writeFile(
    cgroups,
    "#subsys_name\thierarchy\tnum_cgroups\tenabled\ncpuset\t3\t1\t1\ncpu\t1\t1\t1\ncpuacct\t2\t1\t1\nblkio\t7\t1\t1\nmemory\t4\t29\t1\n",
  );
  const hs = await listCgroupHierarchies(mounts);
  assert.deepEqual(hs, [
    { mountPoint: "/sys/fs/cgroup/cpu", version: 1, controllers: ["cpu"] },
    { mountPoint: "/sys/fs/cgroup/memory", version: 1, controllers: ["memory"] },
    { mountPoint: "/sys/fs/cgroup/systemd", version: 1, controllers: [] },
    { mountPoint: "/nonexistent/unified", version: 2, controllers: [] },
  ]);
  assert.equal(await memorySubsysIndex(cgroups), 4);
  assert.deepEqual([...(await hierarchyMountPoints(cgroups, mounts))].sort(), [
    [0, "/nonexistent/unified"],
    [1, "/sys/fs/cgroup/cpu"],
    [4, "/sys/fs/cgroup/memory"],
  ]);
});

// Cgroup path handling: which directories are containers, /proc/<pid>/cgroup, mounts, /proc/cgroups.
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { commonAncestor, hierarchyMountPoints, listCgroupHierarchies, memoryCgroupFromProc, memoryCgroupOfPid, memorySubsysIndex } from "../src/cgroup-fs.js";
import { containerOfCgroup, podUidOfCgroup } from "../src/container-cgroup.js";

const ID = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
const UID = "4020809f-e87f-4079-b083-0ea1668b33bc";
const UID_ = UID.replaceAll("-", "_");

test("container cgroups: systemd scopes and cgroupfs ids, relative to the hierarchy root", () => {
  assert.deepEqual(containerOfCgroup(`/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${UID_}.slice/cri-containerd-${ID}.scope`), {
    containerId: ID,
    podUid: UID,
    runtime: "containerd",
  });
  assert.deepEqual(containerOfCgroup(`/kubepods.slice/kubepods-pod${UID_}.slice/crio-${ID}.scope`), { containerId: ID, podUid: UID, runtime: "cri-o" });
  assert.deepEqual(containerOfCgroup(`/system.slice/docker-${ID}.scope`), { containerId: ID, runtime: "docker" });
  assert.deepEqual(containerOfCgroup(`/kubepods/burstable/pod${UID}/${ID}`), { containerId: ID, podUid: UID, runtime: "cgroupfs" });
  assert.deepEqual(containerOfCgroup(`/kubepods/pod${UID}/${ID}`), { containerId: ID, podUid: UID, runtime: "cgroupfs" });
  assert.deepEqual(containerOfCgroup(`/kubepods/besteffort/pod${UID}/crio-${ID}`), { containerId: ID, podUid: UID, runtime: "cgroupfs" });
  assert.deepEqual(containerOfCgroup(`/docker/${ID}`), { containerId: ID, runtime: "cgroupfs" });
  // Static pods have a 32-hex UID.
  assert.equal(containerOfCgroup(`/kubepods/burstable/pod0123456789abcdef0123456789abcdef/${ID}`)?.podUid, "0123456789abcdef0123456789abcdef");
});

test("not containers: slices, pods, services, runtime helpers", () => {
  for (const path of [
    "/",
    "/kubepods.slice",
    "/kubepods.slice/kubepods-burstable.slice",
    `/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${UID_}.slice`,
    `/kubepods/burstable/pod${UID}`,
    "/system.slice/containerd.service",
    "/user.slice/user-0.slice/session-1.scope",
    `/kubepods.slice/kubepods-pod${UID_}.slice/crio-conmon-${ID}.scope`,
    `/some/other/${ID}`,
    `/kubepods/burstable/pod${UID}/${ID.slice(0, 63)}`,
  ]) {
    assert.equal(containerOfCgroup(path), undefined, path);
  }
  assert.equal(podUidOfCgroup(`/kubepods/burstable/pod${UID}`), UID);
  assert.equal(podUidOfCgroup("/system.slice/podman.service"), undefined);
});

test("/proc/<pid>/cgroup: the memory controller's line on v1, the 0:: line on v2", () => {
  const v1 = "9:name=systemd:/\n8:pids:/\n4:memory:/process_api/3dd3752e\n0::/\n";
  assert.deepEqual(memoryCgroupFromProc(v1), { path: "/process_api/3dd3752e", version: 1 });
  assert.deepEqual(memoryCgroupFromProc("0::/kubepods.slice/x.scope\n"), { path: "/kubepods.slice/x.scope", version: 2 });
  assert.deepEqual(memoryCgroupFromProc("0::/kubepods.slice/x.scope (deleted)\n"), { path: "/kubepods.slice/x.scope", version: 2 });
  assert.deepEqual(memoryCgroupFromProc("4:cpu,memory:/a\n"), { path: "/a", version: 1 });
  assert.equal(memoryCgroupFromProc(""), undefined);
});

test("memoryCgroupOfPid: this process's cgroup; a pid that does not exist has none", async () => {
  const own = memoryCgroupFromProc(await readFile("/proc/self/cgroup", "utf8"));
  assert.equal(await memoryCgroupOfPid(process.pid), own?.path);
  assert.equal(await memoryCgroupOfPid(999_999_999), undefined);
});

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
  await writeFile(cgroups, "#subsys_name\thierarchy\tnum_cgroups\tenabled\ncpuset\t3\t1\t1\ncpu\t1\t1\t1\ncpuacct\t2\t1\t1\nblkio\t7\t1\t1\nmemory\t4\t29\t1\n");
  const hs = await listCgroupHierarchies(mounts);
  assert.deepEqual(hs, [
    { mountPoint: "/sys/fs/cgroup/cpu", version: 1, controllers: ["cpu"] },
    { mountPoint: "/sys/fs/cgroup/memory", version: 1, controllers: ["memory"] },
    { mountPoint: "/sys/fs/cgroup/systemd", version: 1, controllers: [] },
    { mountPoint: "/nonexistent/unified", version: 2, controllers: [] },
  ]);
  assert.equal(await memorySubsysIndex(cgroups), 4);
  assert.deepEqual(
    [...(await hierarchyMountPoints(cgroups, mounts))].sort(),
    [
      [0, "/nonexistent/unified"],
      [1, "/sys/fs/cgroup/cpu"],
      [4, "/sys/fs/cgroup/memory"],
    ],
  );
});

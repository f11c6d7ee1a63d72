// /proc/<pid>/cgroup: the one parser and reader, for enrich (the path to enrich with) and tracers (the memory cgroup).
import assert from "node:assert/strict";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { memoryCgroupFromProc, memoryCgroupOfPid, parseProcCgroup, pickCgroupPath, readProcCgroup } from "../src/index.js";

const UID = "0b7f3c1e-2d4a-4e6f-8a9b-1c2d3e4f5a6b";
const ID = "c0ffee00".repeat(8);

// Real files as the kernel writes them, one per host shape.
const V1 = [
  "12:hugetlb:/kubepods/burstable/pod" + UID + "/" + ID,
  "11:memory:/kubepods/burstable/pod" + UID + "/" + ID,
  "10:cpu,cpuacct:/kubepods/burstable/pod" + UID + "/" + ID,
  "9:pids:/kubepods/burstable/pod" + UID + "/" + ID,
  "1:name=systemd:/kubepods/burstable/pod" + UID + "/" + ID,
  "",
].join("\n");
const V2 = `0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${UID.replaceAll("-", "_")}.slice/cri-containerd-${ID}.scope\n`;
// Hybrid (systemd's default before v2): the v2 line says "/" while the memory line has the container.
const HYBRID = ["4:memory:/kubepods/pod" + UID + "/" + ID, "1:name=systemd:/kubepods/pod" + UID + "/" + ID, "0::/", ""].join("\n");
// A v1 host where the memory controller is not mounted (rare, but then the systemd hierarchy still says it).
const NO_MEMORY = ["3:cpu,cpuacct:/kubepods/pod" + UID + "/" + ID, "1:name=systemd:/system.slice/foo.service", "0::/", ""].join("\n");

describe("parseProcCgroup / pickCgroupPath", () => {
  it("splits hierarchy, controllers and path; a ':' inside the path survives", () => {
    assert.deepEqual(parseProcCgroup("4:memory:/a:b\n0::/\n"), [
      { hierarchy: 4, controllers: ["memory"], path: "/a:b" },
      { hierarchy: 0, controllers: [], path: "/" },
    ]);
    assert.deepEqual(parseProcCgroup("10:cpu,cpuacct:/x\n1:name=systemd:/y\ngarbage\n")[0]!.controllers, ["cpu", "cpuacct"]);
    assert.equal(parseProcCgroup("garbage\n\nx:y:z\n").length, 0);
  });
  it("prefers the memory controller on v1, the v2 line on v2, and skips a v2 '/' on hybrid hosts", () => {
    assert.equal(pickCgroupPath(parseProcCgroup(V1)), `/kubepods/burstable/pod${UID}/${ID}`);
    assert.match(pickCgroupPath(parseProcCgroup(V2))!, /cri-containerd-c0ffee00/);
    assert.equal(pickCgroupPath(parseProcCgroup(HYBRID)), `/kubepods/pod${UID}/${ID}`);
    assert.equal(pickCgroupPath(parseProcCgroup(NO_MEMORY)), "/system.slice/foo.service");
    assert.equal(pickCgroupPath(parseProcCgroup("0::/\n")), "/");
    assert.equal(pickCgroupPath([]), undefined);
  });
  it('drops the " (deleted)" a dead cgroup\'s v2 path ends in', () => {
    assert.equal(pickCgroupPath(parseProcCgroup("0::/kubepods.slice/x.scope (deleted)\n")), "/kubepods.slice/x.scope");
  });
});

describe("memoryCgroupFromProc / memoryCgroupOfPid", () => {
  it("/proc/<pid>/cgroup: the memory controller's line on v1, the 0:: line on v2", () => {
    const v1 = "9:name=systemd:/\n8:pids:/\n4:memory:/process_api/3dd3752e\n0::/\n";
    assert.deepEqual(memoryCgroupFromProc(v1), { path: "/process_api/3dd3752e", version: 1 });
    assert.deepEqual(memoryCgroupFromProc("0::/kubepods.slice/x.scope\n"), { path: "/kubepods.slice/x.scope", version: 2 });
    assert.deepEqual(memoryCgroupFromProc("0::/kubepods.slice/x.scope (deleted)\n"), { path: "/kubepods.slice/x.scope", version: 2 });
    assert.deepEqual(memoryCgroupFromProc("4:cpu,memory:/a\n"), { path: "/a", version: 1 });
    assert.equal(memoryCgroupFromProc(""), undefined);
  });

  it("memoryCgroupOfPid: this process's cgroup; a pid that does not exist has none", async () => {
    const own = memoryCgroupFromProc(await readFile("/proc/self/cgroup", "utf8"));
    assert.equal(memoryCgroupOfPid(process.pid), own?.path);
    assert.equal(memoryCgroupOfPid(999_999_999), undefined);
  });
});

describe("reading <hostRoot>/proc/<pid>/cgroup", () => {
  let hostRoot: string;
  before(async () => {
    hostRoot = await mkdtemp(join(tmpdir(), "vigil-procfs-proc-"));
    for (const [pid, text] of [
      [101, V1],
      [102, V2],
      [103, HYBRID],
      [104, "0::/system.slice/sshd.service\n"],
    ] as const) {
      await mkdir(join(hostRoot, "proc", String(pid)), { recursive: true });
      await writeFile(join(hostRoot, "proc", String(pid), "cgroup"), text);
    }
    // A huge file is read only up to the bound, without failing.
    await mkdir(join(hostRoot, "proc", "105"), { recursive: true });
    await writeFile(join(hostRoot, "proc", "105", "cgroup"), `11:memory:/kubepods/pod${UID}/${ID}\n` + "x".repeat(100_000));
  });
  after(() => rm(hostRoot, { recursive: true, force: true }));

  it("reads v1, v2 and hybrid files; a gone process is undefined, not an error", () => {
    assert.equal(readProcCgroup(hostRoot, 101), `/kubepods/burstable/pod${UID}/${ID}`);
    assert.match(readProcCgroup(hostRoot, 102)!, /^\/kubepods\.slice\/.*cri-containerd-c0ffee00.*\.scope$/);
    assert.equal(readProcCgroup(hostRoot, 103), `/kubepods/pod${UID}/${ID}`);
    assert.equal(readProcCgroup(hostRoot, 999), undefined);
    assert.equal(readProcCgroup(hostRoot, 105), `/kubepods/pod${UID}/${ID}`);
  });

  it("memoryCgroupOfPid under a host root: a v2 answer as read; a v1 one only while /proc/<pid>/stat says not exiting", () => {
    assert.match(memoryCgroupOfPid(102, hostRoot)!, /cri-containerd-c0ffee00/);
    assert.equal(memoryCgroupOfPid(101, hostRoot), undefined, "no stat file: gone, so exiting");
  });

  it("reads this process's real /proc entry", () => {
    const path = readProcCgroup("/", process.pid);
    assert.equal(typeof path, "string");
    assert.match(path!, /^\//);
  });
});

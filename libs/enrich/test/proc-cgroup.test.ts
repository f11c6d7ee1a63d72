import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { Enricher, parseProcCgroup, pickCgroupPath, readProcCgroup } from "../src/index.js";
import { silentLog } from "./helpers.js";

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
});

describe("reading <hostRoot>/proc/<pid>/cgroup", () => {
  let hostRoot: string;
  before(async () => {
    hostRoot = await mkdtemp(join(tmpdir(), "vigil-enrich-proc-"));
    for (const [pid, text] of [[101, V1], [102, V2], [103, HYBRID], [104, "0::/system.slice/sshd.service\n"]] as const) {
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

  it("reads this process's real /proc entry", () => {
    const path = readProcCgroup("/", process.pid);
    assert.equal(typeof path, "string");
    assert.match(path!, /^\//);
  });

  it("the Enricher resolves a pid-only event through /proc, and remembers gone pids briefly", async () => {
    const enricher = new Enricher({ node: "n1", hostRoot, log: silentLog });
    assert.deepEqual(enricher.enrich({ pid: 101 }), {
      cgroup: `/kubepods/burstable/pod${UID}/${ID}`,
      qos: "Burstable",
      pod: { uid: UID },
      container: { id: ID },
      source: "path",
    });
    const v2 = enricher.enrich({ pid: 102 });
    assert.deepEqual(v2.container, { id: ID, runtime: "containerd" });
    assert.deepEqual(enricher.enrich({ pid: 104 }), { cgroup: "/system.slice/sshd.service" });
    assert.deepEqual(enricher.enrich({ pid: 999 }), {});
    // A cgroup path in the event wins over the pid (no /proc read needed).
    assert.equal(enricher.enrich({ pid: 101, cgroupPath: "/system.slice/x.service" }).cgroup, "/system.slice/x.service");
    assert.deepEqual(enricher.enrich({ podUid: UID.replaceAll("-", "_") }).pod, { uid: UID }, "a systemd-style uid is normalised");
    assert.equal(enricher.status().caches.pids, 4);
    assert.equal(enricher.status().procErrors, 0);
    await enricher.stop();
  });
});

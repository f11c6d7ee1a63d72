import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { Enricher } from "../src/index.js";
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

// The parser and reader are @vigil/procfs's (tested there); this is the Enricher reading through them.
describe("reading <hostRoot>/proc/<pid>/cgroup", () => {
  let hostRoot: string;
  before(async () => {
    hostRoot = await mkdtemp(join(tmpdir(), "vigil-enrich-proc-"));
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

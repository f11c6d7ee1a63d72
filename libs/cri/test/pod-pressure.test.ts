import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { podsSampleMessage } from "@vigil/contracts";
import { CriClient, parsePressure, PodPressureReader, PodSampler, podCgroupDirs } from "../src/index.js";
import { FakeRuntime } from "../src/testing/index.js";

const UIDS = {
  systemdBurstable: "6f1c0b8e-2d4a-4c1e-9b7a-0d3e5f6a7b8c",
  systemdGuaranteed: "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d",
  cgroupfsBestEffort: "0c9d8e7f-6a5b-4c3d-2e1f-0a9b8c7d6e5f",
  cgroupfsGuaranteed: "11111111-2222-4333-8444-555555555555",
  noCgroup: "99999999-8888-4777-8666-555555555555",
} as const;

const pressure = (some: string, full?: string) => `some ${some}\n${full ? `full ${full}\n` : ""}`;

describe("per-pod PSI from a cgroup v2 tree", () => {
  let hostRoot: string;
  let cgroupRoot: string;

  async function podFiles(rel: string, files: Record<string, string>): Promise<void> {
    const dir = join(cgroupRoot, rel);
    await mkdir(dir, { recursive: true });
    for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  }

  before(async () => {
    hostRoot = await mkdtemp(join(tmpdir(), "vigil-cgroup-"));
    cgroupRoot = join(hostRoot, "sys/fs/cgroup");
    const busy = {
      "cpu.pressure": pressure("avg10=12.50 avg60=8.25 avg300=3.00 total=4000000", "avg10=1.00 avg60=0.50 avg300=0.10 total=500000"),
      "memory.pressure": pressure("avg10=0.00 avg60=0.00 avg300=0.00 total=120", "avg10=0.00 avg60=0.00 avg300=0.00 total=100"),
      "io.pressure": pressure("avg10=2.00 avg60=1.00 avg300=0.50 total=900000", "avg10=1.50 avg60=0.75 avg300=0.25 total=800000"),
      "cpu.max": "max 100000\n", // other cgroup files around are ignored
    };
    await podFiles(
      `kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${UIDS.systemdBurstable.replaceAll("-", "_")}.slice`,
      busy,
    );
    await podFiles(`kubepods.slice/kubepods-pod${UIDS.systemdGuaranteed.replaceAll("-", "_")}.slice`, {
      // A kernel before 5.13 writes no "full" line for cpu.
      "cpu.pressure": pressure("avg10=0.10 avg60=0.20 avg300=0.30 total=42"),
    });
    await podFiles(`kubepods/besteffort/pod${UIDS.cgroupfsBestEffort}`, {
      "memory.pressure": pressure("avg10=5.00 avg60=4.00 avg300=3.00 total=7", "avg10=1.00 avg60=1.00 avg300=1.00 total=3"),
    });
    await podFiles(`kubepods/pod${UIDS.cgroupfsGuaranteed}`, {
      "io.pressure": pressure("avg10=0.00 avg60=0.00 avg300=0.00 total=0", "avg10=0.00 avg60=0.00 avg300=0.00 total=0"),
    });
  });
  after(async () => {
    await rm(hostRoot, { recursive: true, force: true });
  });

  it("parses pressure files", () => {
    assert.deepEqual(
      parsePressure("some avg10=1.50 avg60=0.25 avg300=0.00 total=123456789012\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=0\n"),
      {
        some: { avg10: 1.5, avg60: 0.25, avg300: 0, totalUs: 123456789012n },
        full: { avg10: 0, avg60: 0, avg300: 0, totalUs: 0n },
      },
    );
    assert.equal(parsePressure(""), undefined);
  });

  it("names the pod cgroup for both drivers, dashes as underscores for systemd", () => {
    assert.deepEqual(podCgroupDirs("ab-cd"), [
      "kubepods.slice/kubepods-burstable.slice/kubepods-burstable-podab_cd.slice",
      "kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-podab_cd.slice",
      "kubepods.slice/kubepods-podab_cd.slice",
      "kubepods/burstable/podab-cd",
      "kubepods/besteffort/podab-cd",
      "kubepods/podab-cd",
    ]);
  });

  it("reads each layout, leaves out what is not there, and derives totalRate from two reads", async () => {
    let clock = 1_000_000_000n;
    const reader = new PodPressureReader({ cgroupRoot, clock: () => clock });
    const first = reader.read(UIDS.systemdBurstable);
    // totalSeconds is the kernel's running total (µs → s), there from the first read; totalRate needs two.
    assert.deepEqual(first, {
      psi: {
        cpu: {
          some: { avg10: 12.5, avg60: 8.25, avg300: 3, totalSeconds: 4 },
          full: { avg10: 1, avg60: 0.5, avg300: 0.1, totalSeconds: 0.5 },
        },
        memory: {
          some: { avg10: 0, avg60: 0, avg300: 0, totalSeconds: 0.00012 },
          full: { avg10: 0, avg60: 0, avg300: 0, totalSeconds: 0.0001 },
        },
        io: {
          some: { avg10: 2, avg60: 1, avg300: 0.5, totalSeconds: 0.9 },
          full: { avg10: 1.5, avg60: 0.75, avg300: 0.25, totalSeconds: 0.8 },
        },
      },
    });
    assert.deepEqual(reader.read(UIDS.systemdGuaranteed), {
      psi: { cpu: { some: { avg10: 0.1, avg60: 0.2, avg300: 0.3, totalSeconds: 0.000042 } } },
    });
    assert.deepEqual(reader.read(UIDS.cgroupfsBestEffort), {
      psi: {
        memory: {
          some: { avg10: 5, avg60: 4, avg300: 3, totalSeconds: 0.000007 },
          full: { avg10: 1, avg60: 1, avg300: 1, totalSeconds: 0.000003 },
        },
      },
    });
    assert.deepEqual(Object.keys(reader.read(UIDS.cgroupfsGuaranteed).psi ?? {}), ["io"]);
    assert.deepEqual(reader.read(UIDS.noCgroup), {});

    // Two seconds later the pod stalled 0.5 s more on CPU (some) and 0.1 s (full).
    clock += 2_000_000_000n;
    await podFiles(`kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${UIDS.systemdBurstable.replaceAll("-", "_")}.slice`, {
      "cpu.pressure": pressure("avg10=20.00 avg60=9.00 avg300=3.10 total=4500000", "avg10=2.00 avg60=0.60 avg300=0.11 total=600000"),
    });
    const second = reader.read(UIDS.systemdBurstable);
    assert.deepEqual(second.psi?.cpu, {
      some: { avg10: 20, avg60: 9, avg300: 3.1, totalRate: 0.25, totalSeconds: 4.5 },
      full: { avg10: 2, avg60: 0.6, avg300: 0.11, totalRate: 0.05, totalSeconds: 0.6 },
    });
    assert.equal(second.psi?.memory?.some.totalRate, 0);
  });

  it("reports a pressure file that exists but cannot be read", async () => {
    const uid = "deadbeef-0000-4000-8000-000000000001";
    await mkdir(join(cgroupRoot, `kubepods/burstable/pod${uid}/cpu.pressure`), { recursive: true }); // EISDIR
    const result = new PodPressureReader({ cgroupRoot }).read(uid);
    assert.equal(result.psi, undefined);
    assert.equal(result.error?.code, "EISDIR");
    assert.match(result.error?.message ?? "", /cpu\.pressure of pod deadbeef-/);
  });

  it("attaches PSI to the pods of a sample, matched by pod UID", async () => {
    const rt = await FakeRuntime.start();
    const client = new CriClient({ endpoint: rt.endpoint });
    try {
      rt.addPod({ name: "api-0", namespace: "prod", uid: UIDS.systemdBurstable, containers: [{ name: "api" }] });
      rt.addPod({ name: "batch-0", namespace: "prod", uid: UIDS.noCgroup, containers: [{ name: "batch" }] });
      const sampler = new PodSampler({ client, node: "worker-1", hostRoot });
      const clean = await sampler.sample();
      assert.deepEqual(clean.errors, []);
      const [api, batch] = clean.sample.pods;
      assert.equal(api?.psi?.io?.some.avg10, 2);
      assert.equal(batch?.psi, undefined);
      podsSampleMessage.parse({ id: "p1", correlationId: "p1", ...clean.sample });

      // Two pods whose cpu.pressure cannot be read: the sample says so once, and keeps the rest.
      for (const uid of ["deadbeef-0000-4000-8000-000000000002", "deadbeef-0000-4000-8000-000000000003"]) {
        await mkdir(join(cgroupRoot, `kubepods/besteffort/pod${uid}/cpu.pressure`), { recursive: true });
        rt.addPod({ name: `broken-${uid.slice(-1)}`, namespace: "prod", uid, containers: [{ name: "c" }] });
      }
      const { sample, errors } = await sampler.sample();
      assert.deepEqual(
        errors.map((e) => `${e.call} ${e.code}`),
        ["cgroup EISDIR"],
      );
      assert.equal(sample.pods.length, 4);
      assert.equal(sample.pods.find((p) => p.name === "api-0")?.psi?.io?.some.avg10, 2);
      podsSampleMessage.parse({ id: "p1", correlationId: "p1", ...sample });
    } finally {
      client.close();
      await rt.close();
    }
  });
});

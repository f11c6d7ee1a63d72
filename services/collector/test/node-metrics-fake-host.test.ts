// Node series from a captured host tree (libs/procfs fixtures): every value is checked exactly against the
// files the sample read, and series without a value are absent, not 0.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import type { NodeSampleMessage } from "@vigil/contracts";
import { type FsCalls, type FsUsage, makedev, NodeSampler } from "@vigil/procfs";
import { Registry } from "prom-client";
import { NodeGauges } from "../src/node-gauges.js";
import { byLabel, parseExposition, type Series, valueOf } from "./node-metrics-exposition.js";

const fixtures = fileURLToPath(new URL("../../../libs/procfs/test/fixtures/", import.meta.url));
const read = (root: string, path: string): string => readFileSync(join(root, path), "utf8");

/** statfs answers for "/" only (device 254:0 in the fixture's mountinfo); every other mount is unreadable. */
const ROOT_USAGE: FsUsage = { bsize: 4096, blocks: 1_000_000, bfree: 400_000, bavail: 350_000, files: 65_536, ffree: 60_000 };
function rootOnlyFs(hostRoot: string): FsCalls {
  const isRoot = (path: string) => path === join(hostRoot, "/");
  const fail = (path: string) => Object.assign(new Error(`ENOENT: ${path}`), { code: "ENOENT" });
  return {
    statDev: (path) => {
      if (!isRoot(path)) throw fail(path);
      return makedev(254, 0);
    },
    statfs: (path) => {
      if (!isRoot(path)) throw fail(path);
      return ROOT_USAGE;
    },
    statDevAsync: (path, cb) => cb(fail(path)),
    statfsAsync: (path, cb) => cb(fail(path)),
  };
}

/** A registry with the node series fed by a sampler on `fixture`, and a function taking one sample into it. */
function setup(fixture: string) {
  const hostRoot = join(fixtures, fixture);
  const sampler = new NodeSampler({ node: "fake", hostRoot, topN: 0, pageSize: 4096, fsCalls: rootOnlyFs(hostRoot) });
  const registry = new Registry();
  const gauges = new NodeGauges(registry, sampler);
  return {
    hostRoot,
    registry,
    sampleOnce: (): void => {
      const body = sampler.sample();
      const message: NodeSampleMessage = { id: "node-sample:fake:1", correlationId: "node:fake", ...body };
      gauges.update(message);
    },
    scrape: async (): Promise<Series[]> => parseExposition(await registry.metrics()),
  };
}

describe("node series: absent, not zero", () => {
  it("prints no vigil_node_* series before the first sample, only their HELP and TYPE", async () => {
    const { registry, scrape } = setup("this-machine-t0");
    const series = await scrape();
    assert.deepEqual(
      series.filter((s) => s.name.startsWith("vigil_node_")),
      [],
    );
    assert.match(await registry.metrics(), /^# TYPE vigil_node_cpu_seconds_total counter$/m);
    assert.match(await registry.metrics(), /^# TYPE vigil_node_swap_used_bytes gauge$/m);
  });

  it("leaves swap used out on a swapless host but exports SwapTotal as the kernel's 0", async () => {
    const { sampleOnce, scrape } = setup("this-machine-t0");
    sampleOnce();
    const series = await scrape();
    assert.equal(valueOf(series, "vigil_node_swap_used_bytes"), undefined);
    assert.equal(valueOf(series, "vigil_node_memory_SwapTotal_bytes"), 0);
    // Rates need two samples; the usage ratio has none yet, and is absent rather than 0.
    assert.equal(valueOf(series, "vigil_node_cpu_usage_ratio"), undefined);
  });

  it("exports swap used on a host with swap", async () => {
    const { hostRoot, sampleOnce, scrape } = setup("big-node-t0");
    sampleOnce();
    const meminfo = read(hostRoot, "proc/meminfo");
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB$`, "m").exec(meminfo)?.[1]) * 1024;
    assert.equal(valueOf(await scrape(), "vigil_node_swap_used_bytes"), kb("SwapTotal") - kb("SwapFree"));
  });
});

describe("node series: node_exporter names and exact values on a fake host tree", () => {
  it("matches /proc/stat, loadavg, meminfo, diskstats, net/dev, pressure, vmstat and statfs exactly", async () => {
    const { hostRoot, sampleOnce, scrape } = setup("this-machine-t0");
    sampleOnce();
    const series = await scrape();

    // CPU: one counter per CPU and mode, USER_HZ ticks / 100, in /proc/stat column order.
    const modes = ["user", "nice", "system", "idle", "iowait", "irq", "softirq", "steal"];
    const stat = read(hostRoot, "proc/stat");
    let cpus = 0;
    for (const [, cpu, cols] of stat.matchAll(/^cpu(\d+) (.*)$/gm)) {
      cpus++;
      const ticks = (cols ?? "").split(" ").map(Number);
      for (const [i, mode] of modes.entries()) {
        const s = series.find((x) => x.name === "vigil_node_cpu_seconds_total" && x.labels.cpu === cpu && x.labels.mode === mode);
        assert.equal(s?.value, (ticks[i] ?? NaN) / 100, `cpu${cpu} ${mode}`);
      }
    }
    assert.equal(series.filter((s) => s.name === "vigil_node_cpu_seconds_total").length, cpus * modes.length);
    const statValue = (key: string) => Number(new RegExp(`^${key} (\\d+)$`, "m").exec(stat)?.[1]);
    assert.equal(valueOf(series, "vigil_node_boot_time_seconds"), statValue("btime"));
    assert.equal(valueOf(series, "vigil_node_procs_running"), statValue("procs_running"));
    assert.equal(valueOf(series, "vigil_node_procs_blocked"), statValue("procs_blocked"));

    const [l1, l5, l15] = read(hostRoot, "proc/loadavg").split(" ").map(Number);
    assert.deepEqual(
      ["vigil_node_load1", "vigil_node_load5", "vigil_node_load15"].map((n) => valueOf(series, n)),
      [l1, l5, l15],
    );

    // Every meminfo field, named as node_exporter names it: kB → bytes, "(x)" → "_x", HugePages_* counts unitless.
    for (const [, field, value, unit] of read(hostRoot, "proc/meminfo").matchAll(/^([^:]+):\s+(\d+)( kB)?$/gm)) {
      const name = `vigil_node_memory_${(field ?? "").replace(/\((.*)\)/, "_$1")}${unit ? "_bytes" : ""}`;
      assert.equal(valueOf(series, name), Number(value) * (unit ? 1024 : 1), name);
    }
    assert.ok(valueOf(series, "vigil_node_memory_Active_file_bytes") !== undefined, "Active(file) → Active_file");

    // Disks: whole devices only (no loop, zram), 512-byte sectors, milliseconds → seconds.
    const vda = (read(hostRoot, "proc/diskstats").match(/^\s*254\s+0 vda (.*)$/m)?.[1] ?? "").split(" ").map(Number);
    const disk = (name: string) => byLabel(series, name, "device");
    assert.deepEqual([...disk("vigil_node_disk_reads_completed_total").keys()], ["vda"]);
    assert.equal(disk("vigil_node_disk_reads_completed_total").get("vda"), vda[0]);
    assert.equal(disk("vigil_node_disk_read_bytes_total").get("vda"), (vda[2] ?? NaN) * 512);
    assert.equal(disk("vigil_node_disk_read_time_seconds_total").get("vda"), (vda[3] ?? NaN) / 1000);
    assert.equal(disk("vigil_node_disk_writes_completed_total").get("vda"), vda[4]);
    assert.equal(disk("vigil_node_disk_written_bytes_total").get("vda"), (vda[6] ?? NaN) * 512);
    assert.equal(disk("vigil_node_disk_write_time_seconds_total").get("vda"), (vda[7] ?? NaN) / 1000);
    assert.equal(disk("vigil_node_disk_io_time_seconds_total").get("vda"), (vda[9] ?? NaN) / 1000);

    // Network: every interface of the host namespace, the kernel's totals.
    const netNames = ["receive_bytes", "receive_packets", "receive_errs", "receive_drop"];
    const txNames = ["transmit_bytes", "transmit_packets", "transmit_errs", "transmit_drop"];
    for (const [, iface, cols] of read(hostRoot, "proc/1/net/dev").matchAll(/^\s*([^:\s]+):\s*(.*)$/gm)) {
      const v = (cols ?? "").split(/\s+/).map(Number);
      for (const [i, n] of netNames.entries())
        assert.equal(byLabel(series, `vigil_node_network_${n}_total`, "device").get(iface ?? ""), v[i], `${iface} ${n}`);
      for (const [i, n] of txNames.entries())
        assert.equal(byLabel(series, `vigil_node_network_${n}_total`, "device").get(iface ?? ""), v[8 + i], `${iface} ${n}`);
    }

    // Filesystems: node_exporter's labels; sizes from statfs blocks × bsize.
    const fs = (name: string) => series.filter((s) => s.name === name);
    const labels = { device: "/dev/vda", fstype: "ext4", mountpoint: "/" };
    const u = ROOT_USAGE;
    assert.deepEqual(fs("vigil_node_filesystem_size_bytes"), [
      { name: "vigil_node_filesystem_size_bytes", labels, value: u.blocks * u.bsize },
    ]);
    assert.equal(fs("vigil_node_filesystem_free_bytes")[0]?.value, u.bfree * u.bsize);
    assert.equal(fs("vigil_node_filesystem_avail_bytes")[0]?.value, u.bavail * u.bsize);
    assert.equal(fs("vigil_node_filesystem_readonly")[0]?.value, 0);
    assert.equal(fs("vigil_node_filesystem_files")[0]?.value, u.files);
    assert.equal(fs("vigil_node_filesystem_files_free")[0]?.value, u.ffree);

    // PSI and vmstat: the kernel's running totals (µs → s; pages and events as counted).
    const some = /^some .*total=(\d+)$/m.exec(read(hostRoot, "proc/pressure/io"))?.[1];
    const psi = series.find(
      (s) => s.name === "vigil_node_pressure_stalled_seconds_total" && s.labels.resource === "io" && s.labels.kind === "some",
    );
    assert.equal(psi?.value, Number(some) / 1e6);
    const vmstat = read(hostRoot, "proc/vmstat");
    assert.equal(valueOf(series, "vigil_node_major_page_faults_total"), Number(/^pgmajfault (\d+)$/m.exec(vmstat)?.[1]));
  });
});

// The collector's node series on /metrics, on this machine, against /proc read just before (A) and just
// after (B) the sample the scrape shows. Kernel counters only grow, so each exported counter must lie in
// [A, B] exactly; gauges are checked with the tolerance each justifies.
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statfsSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import { type NatsServerHandle, startNats, waitFor } from "@vigil/testing";
import { type Collector, startCollector } from "./helpers.js";
import { byLabel, parseExposition, type Series, valueOf } from "./node-metrics-exposition.js";

const text = (path: string): string | undefined => {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
};

interface ProcReading {
  stat: string;
  meminfo: string;
  loadavg: string;
  vmstat: string;
  diskstats: string;
  netdev: string;
  pressure: Record<string, string | undefined>;
}

const readProc = (): ProcReading => ({
  stat: text("/proc/stat") ?? "",
  meminfo: text("/proc/meminfo") ?? "",
  loadavg: text("/proc/loadavg") ?? "",
  vmstat: text("/proc/vmstat") ?? "",
  diskstats: text("/proc/diskstats") ?? "",
  netdev: text("/proc/1/net/dev") ?? text("/proc/net/dev") ?? "",
  pressure: Object.fromEntries(["cpu", "memory", "io"].map((r) => [r, text(`/proc/pressure/${r}`)])),
});

/** Asserts a ≤ v ≤ b: the exported counter was read between the two reads of the kernel's running total. */
function bracketed(v: number | undefined, a: number, b: number, what: string): void {
  assert.ok(v !== undefined, `${what}: absent`);
  // Unit conversions round differently here (94103 × 0.001 = 94.10300000000001) and in the exporter (94103 / 1000).
  const eps = 1e-9 * Math.max(Math.abs(a), Math.abs(b), 1);
  assert.ok(a - eps <= v && v <= b + eps, `${what}: ${v} not in [${a}, ${b}]`);
}

const perCpu = (stat: string) =>
  new Map([...stat.matchAll(/^cpu(\d+) (.*)$/gm)].map(([, n, c]) => [n ?? "", (c ?? "").split(" ").map(Number)]));
const diskRows = (d: string) =>
  new Map([...d.matchAll(/^\s*\d+\s+\d+ (\S+) (.*)$/gm)].map(([, dev, c]) => [dev ?? "", (c ?? "").split(" ").map(Number)]));
const netRows = (d: string) =>
  new Map([...d.matchAll(/^\s*([^:\s]+):\s*(.*)$/gm)].map(([, i, c]) => [i ?? "", (c ?? "").split(/\s+/).map(Number)]));
const meminfoRows = (m: string) =>
  [...m.matchAll(/^([^:]+):\s+(\d+)( kB)?$/gm)].map(([, f, v, kb]) => ({ field: f ?? "", value: Number(v) * (kb ? 1024 : 1), kb: !!kb }));
const line = (t: string, key: string) => Number(new RegExp(`^${key} (\\d+)$`, "m").exec(t)?.[1]);

describe("node series on this machine's /metrics", () => {
  let nats: NatsServerHandle;
  let collector: Collector;
  let a: ProcReading;
  let b: ProcReading;
  let series: Series[];

  before(async () => {
    nats = await startNats();
    collector = await startCollector(nats.url, {
      NODE_NAME: "node-metrics",
      COLLECTOR_PUBLISH: "false",
      COLLECTOR_SAMPLE_INTERVAL: "200ms",
    });
    a = readProc();
    // The sample's timestamp is taken before it reads /proc: later than this, its reads all follow A's.
    const afterA = Date.now();
    series = await waitFor(
      async () => {
        const s = parseExposition(await (await fetch(`${collector.url}/metrics`)).text());
        const at = s.find((x) => x.name === "vigil_collector_last_sample_timestamp_seconds" && x.labels.kind === "node")?.value;
        return at !== undefined && Math.round(at * 1000) > afterA ? s : undefined;
      },
      { timeoutMs: 5_000, intervalMs: 50, message: "a node sample taken after the first /proc read" },
    );
    b = readProc();
  });
  after(async () => {
    await collector?.shutdown();
    await nats?.stop();
  });

  it("exports node_cpu_seconds_total for every CPU and mode within the kernel's totals", () => {
    const modes = ["user", "nice", "system", "idle", "iowait", "irq", "softirq", "steal"];
    const [cpusA, cpusB] = [perCpu(a.stat), perCpu(b.stat)];
    assert.ok(cpusA.size > 0);
    for (const [cpu, ticksA] of cpusA) {
      const ticksB = cpusB.get(cpu) ?? [];
      for (const [i, mode] of modes.entries()) {
        const v = series.find((s) => s.name === "vigil_node_cpu_seconds_total" && s.labels.cpu === cpu && s.labels.mode === mode)?.value;
        // Per-CPU iowait is the one column the kernel lets go backwards (NO_HZ idle accounting): one tick of slack.
        const slack = mode === "iowait" ? 1 : 0;
        bracketed(v, ((ticksA[i] ?? 0) - slack) / 100, ((ticksB[i] ?? 0) + slack) / 100, `cpu${cpu} ${mode}`);
      }
    }
  });

  it("exports boot time exactly, procs running and blocked as counts, and load averages the kernel printed", () => {
    assert.equal(valueOf(series, "vigil_node_boot_time_seconds"), line(a.stat, "btime"));
    // Runnable tasks change every scheduler tick; the sampler itself was running when it read /proc/stat.
    const running = valueOf(series, "vigil_node_procs_running");
    assert.ok(running !== undefined && Number.isInteger(running) && running >= 1, `procs_running ${running}`);
    const blocked = valueOf(series, "vigil_node_procs_blocked");
    assert.ok(blocked !== undefined && Number.isInteger(blocked) && blocked >= 0, `procs_blocked ${blocked}`);
    // The kernel recomputes loadavg every 5 s, so a sample between A and B saw A's or B's figures.
    const [la, lb] = [a.loadavg, b.loadavg].map((t) => t.split(" ").slice(0, 3).map(Number));
    ["vigil_node_load1", "vigil_node_load5", "vigil_node_load15"].forEach((name, i) => {
      const v = valueOf(series, name);
      assert.ok(v === la?.[i] || v === lb?.[i], `${name} ${v} is neither ${la?.[i]} nor ${lb?.[i]}`);
    });
  });

  it("exports every meminfo field under node_exporter's name, in bytes", () => {
    const rowsB = new Map(meminfoRows(b.meminfo).map((r) => [r.field, r.value]));
    const memTotal = rowsB.get("MemTotal") ?? 0;
    for (const { field, value, kb } of meminfoRows(a.meminfo)) {
      const name = `vigil_node_memory_${field.replace(/\((.*)\)/, "_$1")}${kb ? "_bytes" : ""}`;
      const other = rowsB.get(field) ?? value;
      // Other test processes on this 2-core machine allocate and free between A and B; 2 % of RAM is far
      // beyond that churn and far below what a wrong field, a kB/byte mix-up (×1024) or a stale sample gives.
      const tol = kb ? 0.02 * memTotal : 0;
      bracketed(valueOf(series, name), Math.min(value, other) - tol, Math.max(value, other) + tol, name);
    }
    assert.equal(valueOf(series, "vigil_node_memory_MemTotal_bytes"), memTotal);
  });

  it("exports disk counters per whole device within the kernel's totals", () => {
    const [rowsA, rowsB] = [diskRows(a.diskstats), diskRows(b.diskstats)];
    const whole = readdirSync("/sys/block").filter((d) => !/^(loop|ram|zram)\d+$/.test(d) && rowsA.has(d));
    const reads = byLabel(series, "vigil_node_disk_reads_completed_total", "device");
    assert.deepEqual([...reads.keys()].sort(), whole.sort());
    const fields: Array<[string, number, number]> = [
      ["reads_completed_total", 0, 1],
      ["read_bytes_total", 2, 512],
      ["read_time_seconds_total", 3, 1 / 1000],
      ["writes_completed_total", 4, 1],
      ["written_bytes_total", 6, 512],
      ["write_time_seconds_total", 7, 1 / 1000],
      ["io_time_seconds_total", 9, 1 / 1000],
    ];
    for (const dev of whole)
      for (const [name, col, scale] of fields) {
        const v = byLabel(series, `vigil_node_disk_${name}`, "device").get(dev);
        bracketed(v, (rowsA.get(dev)?.[col] ?? NaN) * scale, (rowsB.get(dev)?.[col] ?? NaN) * scale, `${dev} ${name}`);
      }
  });

  it("exports network counters per interface within the kernel's totals", () => {
    const [rowsA, rowsB] = [netRows(a.netdev), netRows(b.netdev)];
    const names = ["receive_bytes", "receive_packets", "receive_errs", "receive_drop"];
    const tx = ["transmit_bytes", "transmit_packets", "transmit_errs", "transmit_drop"];
    assert.ok(rowsA.size > 0);
    for (const [iface, colsA] of rowsA) {
      const colsB = rowsB.get(iface);
      if (!colsB) continue; // an interface removed between A and B (another test's veth)
      for (const [i, n] of names.entries())
        bracketed(byLabel(series, `vigil_node_network_${n}_total`, "device").get(iface), colsA[i] ?? NaN, colsB[i] ?? NaN, `${iface} ${n}`);
      for (const [i, n] of tx.entries())
        bracketed(
          byLabel(series, `vigil_node_network_${n}_total`, "device").get(iface),
          colsA[8 + i] ?? NaN,
          colsB[8 + i] ?? NaN,
          `${iface} ${n}`,
        );
    }
  });

  it("exports PSI stall totals and vmstat counters within the kernel's totals", () => {
    for (const [resource, t] of Object.entries(a.pressure)) {
      if (t === undefined) continue; // no PSI on this kernel
      for (const [, kind, total] of t.matchAll(/^(some|full) .*total=(\d+)$/gm)) {
        const totalB = new RegExp(`^${kind} .*total=(\\d+)$`, "m").exec(b.pressure[resource] ?? "")?.[1];
        const v = series.find(
          (s) => s.name === "vigil_node_pressure_stalled_seconds_total" && s.labels.resource === resource && s.labels.kind === kind,
        )?.value;
        bracketed(v, Number(total) / 1e6, Number(totalB) / 1e6, `${resource} ${kind}`);
      }
    }
    for (const [key, name] of [
      ["pgmajfault", "vigil_node_major_page_faults_total"],
      ["pswpin", "vigil_node_swap_in_pages_total"],
      ["pswpout", "vigil_node_swap_out_pages_total"],
    ] as const)
      bracketed(valueOf(series, name), line(a.vmstat, key), line(b.vmstat, key), name);
  });

  it("exports size, free, avail, inodes and the read-only flag per filesystem, with node_exporter's labels", () => {
    const sizes = series.filter((s) => s.name === "vigil_node_filesystem_size_bytes");
    assert.ok(sizes.length > 0, "the root filesystem at least");
    assert.ok(sizes.some((s) => s.labels.mountpoint === "/"));
    const superRo = new Map(
      [...(text("/proc/1/mountinfo") ?? "").matchAll(/^\S+ \S+ \S+ \S+ (\S+) .* - \S+ \S+ (\S+)$/gm)].map(([, mp, opts]) => [
        mp,
        (opts ?? "").split(",").includes("ro"),
      ]),
    );
    for (const { labels, value: size } of sizes) {
      const fsOf = (name: string) => series.find((s) => s.name === name && s.labels.mountpoint === labels.mountpoint)?.value;
      const st = statfsSync(labels.mountpoint ?? "");
      assert.equal(size, st.blocks * st.bsize, `${labels.mountpoint} size`);
      // Other processes write to these filesystems between the sample and this statfs; 1 % of the size
      // (or 64 MiB) is beyond that and below the root reserve that tells free from avail on ext4.
      const tol = Math.max(0.01 * size, 64 * 1024 * 1024);
      const near = (v: number | undefined, want: number, what: string) =>
        assert.ok(v !== undefined && Math.abs(v - want) <= tol, `${labels.mountpoint} ${what}: ${v} vs ${want}`);
      near(fsOf("vigil_node_filesystem_free_bytes"), st.bfree * st.bsize, "free");
      near(fsOf("vigil_node_filesystem_avail_bytes"), st.bavail * st.bsize, "avail");
      if (st.files > 0) {
        assert.equal(fsOf("vigil_node_filesystem_files"), st.files, `${labels.mountpoint} files`);
        assert.ok(
          Math.abs((fsOf("vigil_node_filesystem_files_free") ?? NaN) - st.ffree) <= Math.max(0.01 * st.files, 1000),
          `${labels.mountpoint} files_free`,
        );
      }
      assert.equal(fsOf("vigil_node_filesystem_readonly"), superRo.get(labels.mountpoint ?? "") ? 1 : 0, `${labels.mountpoint} readonly`);
      assert.ok(labels.device && labels.fstype, "device and fstype labels");
    }
  });
});

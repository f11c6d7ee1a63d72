// Parsing bpftrace's `-f json` lines (samples captured from bpftrace v0.17 on Linux 6.18) and the
// tracers' printf records.
import assert from "node:assert/strict";
import { test } from "node:test";
import { cleanStderr, firstError, isMissingAttachPoint, isProgramError } from "../src/bpftrace-cli.js";
import { intField, parseBpftraceLine, parseRecord } from "../src/bpftrace-output.js";
import { monotonicNsToIso } from "../src/clock.js";
import { parseProbeArgs } from "../src/probes.js";

test("printf, attached_probes, hist and map lines", () => {
  assert.deepEqual(parseBpftraceLine(`{"type": "attached_probes", "data": {"probes": 3}}`), { type: "attached_probes", probes: 3 });
  assert.deepEqual(parseBpftraceLine(`{"type": "printf", "data": "ready\\n"}`), { type: "printf", data: "ready\n" });
  assert.deepEqual(parseBpftraceLine(`{"type": "printf", "data": "a\\tb \\"q\\" \\\\ node\\n"}`), {
    type: "printf",
    data: 'a\tb "q" \\ node\n',
  });
  assert.deepEqual(
    parseBpftraceLine(
      `{"type": "hist", "data": {"@h": [{"min": 0, "max": 0, "count": 13}, {"min": 1, "max": 1, "count": 9}, {"min": 2, "max": 3, "count": 30}]}}`,
    ),
    {
      type: "hist",
      maps: {
        "@h": [
          { min: 0, max: 0, count: 13 },
          { min: 1, max: 1, count: 9 },
          { min: 2, max: 3, count: 30 },
        ],
      },
    },
  );
  assert.deepEqual(parseBpftraceLine(`{"type": "map", "data": {"@c": 53}}`), { type: "other", kind: "map" });
});

test("blank lines are skipped; broken lines are reported as invalid", () => {
  assert.equal(parseBpftraceLine(""), undefined);
  assert.equal(parseBpftraceLine("   "), undefined);
  const notJson = parseBpftraceLine("Attaching 2 probes...");
  assert.equal(notJson?.type, "invalid");
  assert.equal(parseBpftraceLine(`{"data": 1}`)?.type, "invalid");
  assert.equal(parseBpftraceLine(`{"type": "printf", "data": 5}`)?.type, "invalid");
  assert.equal(parseBpftraceLine(`{"type": "hist", "data": {"@h": [{"min": 1}]}}`)?.type, "invalid");
});

test("records: kind, key=value fields, a tab inside a value", () => {
  const oom =
    "oom\tns=4218006242474\tvictim_pid=3139\ttotal_vm_kb=221368\tanon_rss_kb=20224\tfile_rss_kb=6708\tshmem_rss_kb=0\tpgtables_kb=100\toom_score_adj=0\ttrigger_pid=3139\tmemcg_id=12003\tvictim_comm=python3\ttrigger_comm=python3\tmemcg_name=vigil-t1\n";
  const rec = parseRecord(oom);
  assert.equal(rec?.kind, "oom");
  assert.equal(rec?.fields["victim_comm"], "python3");
  assert.equal(rec?.fields["memcg_name"], "vigil-t1");
  assert.equal(intField(rec?.fields ?? {}, "anon_rss_kb"), 20224);
  assert.equal(intField(rec?.fields ?? {}, "oom_score_adj"), 0);
  assert.equal(intField({ x: "-1000" }, "x"), -1000);
  assert.equal(intField({ x: "12a" }, "x"), undefined);
  assert.equal(intField({ x: "18446744073709551615" }, "x"), undefined, "beyond 2^53 is not silently rounded");

  assert.deepEqual(parseRecord("kill\tpid=1\tcomm=we\tird\tsender_comm=sh\n"), {
    kind: "kill",
    fields: { pid: "1", comm: "we\tird", sender_comm: "sh" },
  });
  assert.deepEqual(parseRecord("ready\n"), { kind: "ready", fields: {} });
  assert.equal(parseRecord("not a record"), undefined);
  assert.equal(parseRecord("kind\tgarbage"), undefined);
});

test("nsecs (CLOCK_MONOTONIC) becomes wall-clock time", () => {
  const now = process.hrtime.bigint();
  const iso = monotonicNsToIso(now);
  assert.ok(Math.abs(Date.parse(iso) - Date.now()) < 50, iso);
  assert.ok(Math.abs(Date.parse(monotonicNsToIso((now - 2_000_000_000n).toString())) - (Date.now() - 2000)) < 50);
});

test("stderr: RLIMIT noise dropped, first ERROR extracted, failures classified", () => {
  const rlimit = `ERROR: Unknown error -1: couldn't set RLIMIT_MEMLOCK for bpftrace. If your program is not loading, you can try "ulimit -l 8192" to fix the problem`;
  const notFound = `${rlimit}\nstdin:1:1-20: ERROR: tracepoint not found: oom:nope\ntracepoint:oom:nope { printf("x\\n"); }\n~~~~~~~~~~~~~~~~~~~\n`;
  assert.equal(cleanStderr(rlimit), "");
  assert.equal(firstError(notFound), "tracepoint not found: oom:nope");
  assert.ok(isMissingAttachPoint(notFound));
  assert.ok(isProgramError(notFound));

  const kprobe = `${rlimit}\ncreate_probe_event: open(/sys/kernel/tracing/kprobe_events): No such file or directory\nERROR: Error attaching probe: 'kretprobe:do_swap_page'\n`;
  assert.equal(firstError(kprobe), "Error attaching probe: 'kretprobe:do_swap_page'");
  assert.ok(isMissingAttachPoint(kprobe));
  assert.ok(!isProgramError(kprobe));

  const kfunc = `/x/swap.bt:1-4: ERROR: kfunc/kretfunc not available for your kernel version.\n`;
  assert.ok(isMissingAttachPoint(kfunc));

  const typo = `stdin:1:75-83: ERROR: Type mismatch for '>': comparing 'count' with 'int64'\n`;
  assert.ok(!isMissingAttachPoint(typo));
  assert.ok(isProgramError(typo));
  assert.equal(
    firstError("WARNING: Could not read symbols from /sys/kernel/tracing/available_filter_functions: Operation not permitted\n"),
    "Could not read symbols from /sys/kernel/tracing/available_filter_functions: Operation not permitted",
  );
});

test("probe listings: argument names", () => {
  const listing = `tracepoint:oom:mark_victim\n    int pid\n    __data_loc char[] comm\n    unsigned long total_vm\n    short oom_score_adj\n`;
  assert.deepEqual(parseProbeArgs(listing), ["pid", "comm", "total_vm", "oom_score_adj"]);
  assert.deepEqual(parseProbeArgs(`kfunc:do_swap_page\n    struct vm_fault * vmf\n    vm_fault_t retval\n`), ["vmf", "retval"]);
  assert.deepEqual(parseProbeArgs(`tracepoint:signal:signal_generate\n    char comm[16]\n`), ["comm"]);
});

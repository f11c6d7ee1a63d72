import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, it } from "node:test";
import { knownKernelEventInput, unknownKernelEventInput } from "@vigil/contracts";
import { eventToInput, fromStruct, toStruct, type Event } from "../src/index.js";
import { recordingHandler, setup } from "./harness.js";

const CID = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

/** Each Event next to the exact object `POST /events` would have been given for it. */
const CASES: Array<{ name: string; event: Event; input: Record<string, unknown> }> = [
  {
    name: "oom_kill, every field, type from the payload, exact ns as a string",
    event: {
      ts_unix_nano: "1764460000123456789",
      node: "node-a",
      cgroup_path: "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1234.slice/cri-containerd-abc.scope",
      container_id: CID,
      pod_uid: "6f1c2d4e-0000-4000-8000-000000000001",
      event_id: "tracer-1:42",
      oom_kill: {
        victim_pid: 4242,
        victim_comm: "java",
        oom_kills: 1,
        trigger_pid: 4243,
        trigger_comm: "java",
        total_vm_kb: 8_388_608,
        anon_rss_kb: 1_048_576,
        file_rss_kb: 0,
        shmem_rss_kb: 12,
        pgtables_kb: 2048,
        oom_score_adj: -998,
        constraint: "OOM_CONSTRAINT_MEMCG",
        memcg_path: "/kubepods.slice/kubepods-burstable-pod1234.slice",
      },
    },
    input: {
      type: "oom_kill",
      ts: 1764460000123456800,
      node: "node-a",
      cgroup_path: "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1234.slice/cri-containerd-abc.scope",
      container_id: CID,
      pod_uid: "6f1c2d4e-0000-4000-8000-000000000001",
      event_id: "tracer-1:42",
      victim_pid: 4242,
      victim_comm: "java",
      oom_kills: 1,
      trigger_pid: 4243,
      trigger_comm: "java",
      total_vm_kb: 8_388_608,
      anon_rss_kb: 1_048_576,
      file_rss_kb: 0,
      shmem_rss_kb: 12,
      pgtables_kb: 2048,
      oom_score_adj: -998,
      constraint: "memcg",
      memcg_path: "/kubepods.slice/kubepods-burstable-pod1234.slice",
    },
  },
  {
    name: "oom_kill with nothing known (cgroup counters), under Konverse's alias",
    event: { type: "oom", oom_kill: { constraint: "OOM_CONSTRAINT_UNSPECIFIED" } },
    input: { type: "oom" },
  },
  {
    name: "oom_kill: zeros that were sent stay, the rest stays absent",
    event: { type: "oom_kill", ts_unix_nano: 0, oom_kill: { victim_pid: 0, oom_score_adj: 0, constraint: "OOM_CONSTRAINT_NONE" } },
    input: { type: "oom_kill", ts: 0, victim_pid: 0, oom_score_adj: 0, constraint: "none" },
  },
  {
    name: "swap_fault_latency, buckets with zeros left off the wire (as Go/C++ encoders do)",
    event: {
      node: "node-b",
      swap_fault_latency: {
        interval_s: 10.5,
        latency_distribution_us: [
          { range_start_us: 0, range_end_us: 1, count: 3 },
          { range_start_us: 2, range_end_us: 3 },
          {},
          { range_start_us: 1024, range_end_us: 2047, count: 9_007_199_254 },
        ],
      },
    },
    input: {
      type: "swap_fault_latency",
      node: "node-b",
      interval_s: 10.5,
      latency_distribution_us: [
        { range_start_us: 0, range_end_us: 1, count: 3 },
        { range_start_us: 2, range_end_us: 3, count: 0 },
        { range_start_us: 0, range_end_us: 0, count: 0 },
        { range_start_us: 1024, range_end_us: 2047, count: 9_007_199_254 },
      ],
    },
  },
  {
    name: "swap_fault_latency, a quiet interval: the required histogram is present and empty",
    event: { swap_fault_latency: {} },
    input: { type: "swap_fault_latency", latency_distribution_us: [] },
  },
  {
    name: "container_start",
    event: { container_id: CID, container_start: { pid: 1, comm: "pause", cgroup_id: 2 ** 40 + 7 } },
    input: { type: "container_start", container_id: CID, pid: 1, comm: "pause", cgroup_id: 2 ** 40 + 7 },
  },
  {
    name: "container_exit with a negative exit code and exit code 0 kept apart from absent",
    event: { type: "container_exit", container_exit: { pid: 77, comm: "app", cgroup_id: 9, exit_code: -1, signal: 9 } },
    input: { type: "container_exit", pid: 77, comm: "app", cgroup_id: 9, exit_code: -1, signal: 9 },
  },
  {
    name: "container_exit, clean",
    event: { container_exit: { exit_code: 0 } },
    input: { type: "container_exit", exit_code: 0 },
  },
  {
    name: "signal_kill, negative delivery result",
    event: { event_id: "e-9", signal_kill: { sig: 9, pid: 4242, comm: "java", sender_pid: 1, sender_comm: "systemd", result: -3 } },
    input: { type: "signal_kill", event_id: "e-9", sig: 9, pid: 4242, comm: "java", sender_pid: 1, sender_comm: "systemd", result: -3 },
  },
  {
    name: "unknown type through the Struct payload, fields flattened",
    event: {
      type: "tcp_retransmit",
      node: "node-c",
      other: toStruct({
        saddr: "10.0.0.1",
        retrans: 3,
        ratio: 0.5,
        syn: false,
        flags: ["SYN", 2, null],
        sock: { state: "ESTABLISHED", rto_ms: 200 },
        gone: undefined,
        none: null,
      }),
    },
    input: {
      type: "tcp_retransmit",
      node: "node-c",
      saddr: "10.0.0.1",
      retrans: 3,
      ratio: 0.5,
      syn: false,
      flags: ["SYN", 2, null],
      sock: { state: "ESTABLISHED", rto_ms: 200 },
      none: null,
    },
  },
  {
    name: "Struct payload carrying the whole HTTP body (type and an RFC 3339 ts); Event fields win over its keys",
    event: { node: "node-d", other: toStruct({ type: "tcp_reset", ts: "2025-11-30T00:00:00.123Z", node: "ignored", port: 443 }) },
    input: { type: "tcp_reset", ts: "2025-11-30T00:00:00.123Z", node: "node-d", port: 443 },
  },
];

describe("Event -> HTTP input, through a real server", () => {
  const cleanup: (() => unknown)[] = [];
  afterEach(async () => {
    for (const fn of cleanup.splice(0).reverse()) await fn();
  });

  it("Publish hands the handler exactly the HTTP input object, for every payload type", async () => {
    const { handler, recorded } = recordingHandler();
    const { client } = await setup({ handler }, {}, cleanup);
    for (const c of CASES) {
      const ack = await client.publish(c.event);
      assert.deepEqual(ack, { accepted: 1, duplicates: 0, rejected: 0, errors: [] }, c.name);
      assert.deepStrictEqual(recorded.batches.at(-1), [c.input], c.name);
    }
    assert.ok(
      recorded.contexts.every((ctx) => ctx.transport === "grpc" && /^127\.0\.0\.1:\d+$/.test(ctx.peer)),
      JSON.stringify(recorded.contexts[0]),
    );
  });

  it("Send converts the same, in order", async () => {
    const { handler, recorded } = recordingHandler();
    const { client } = await setup({ handler }, {}, cleanup);
    const ack = await client.send(CASES.map((c) => c.event));
    assert.deepEqual(ack, { accepted: CASES.length, duplicates: 0, rejected: 0, errors: [] });
    assert.deepStrictEqual(
      recorded.inputs,
      CASES.map((c) => c.input),
    );
  });

  it("the inputs pass the contracts' HTTP schemas unchanged (known types strictly, the others as unknown types)", () => {
    for (const c of CASES) {
      const known = knownKernelEventInput.safeParse(c.input);
      if (c.input.type === "oom") assert.equal(known.success, false, "aliases are resolved by ebpf-ingest before validation");
      else if (c.event.other) assert.ok(unknownKernelEventInput.safeParse(c.input).success, c.name);
      else assert.ok(known.success, `${c.name}: ${known.error?.message}`);
    }
  });

  it("works over a unix socket", async () => {
    const dir = await mkdtemp(join(tmpdir(), "ingest-grpc-"));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    const { handler, recorded } = recordingHandler();
    const { server, client } = await setup({ handler, socketPath: join(dir, "ingest.sock") }, {}, cleanup);
    assert.equal(server.port, 0);
    assert.equal(server.target, `unix:${join(dir, "ingest.sock")}`);
    await client.publish({ container_start: { pid: 5 } });
    assert.deepEqual(recorded.inputs, [{ type: "container_start", pid: 5 }]);
    assert.equal(recorded.contexts[0]?.peer, "unknown", "grpc-js has no peer address for a unix socket client");
  });
});

describe("eventToInput and Struct, in process", () => {
  it("a payload type that disagrees with `type` is passed on as sent, for validation to reject", () => {
    const input = eventToInput({ type: "oom_kill", signal_kill: { sig: 9, pid: 1 } });
    assert.deepEqual(input, { type: "oom_kill", sig: 9, pid: 1 });
    assert.equal(knownKernelEventInput.safeParse(input).success, false);
  });

  it("no type and no payload gives no type (validation's 'type required'), not a made-up one", () => {
    assert.deepEqual(eventToInput({ node: "n" }), { node: "n" });
    assert.deepEqual(eventToInput({ type: "", node: "n" }), { node: "n" });
  });

  it("an enum number this proto does not know reaches validation as is", () => {
    const input = eventToInput({ oom_kill: { constraint: 9 as unknown as "OOM_CONSTRAINT_NONE" } });
    assert.deepEqual(input, { type: "oom_kill", constraint: 9 });
    assert.equal(knownKernelEventInput.safeParse(input).success, false);
  });

  it("Struct round trip; a __proto__ key stays an own property, as JSON.parse makes it", () => {
    const obj = { a: 1, b: "x", c: [true, { d: null }], e: { f: [] } };
    assert.deepStrictEqual(fromStruct(toStruct(obj)), obj);
    const polluted = fromStruct({ fields: { ["__proto__"]: { stringValue: "x" } } });
    assert.equal(Object.getPrototypeOf(polluted), Object.prototype);
    assert.deepEqual(Object.keys(polluted), ["__proto__"]);
    assert.throws(() => toStruct({ f: () => 1 }), /f is a function/);
    assert.deepEqual(toStruct({ n: 2n }), { fields: { n: { numberValue: 2 } } });
  });
});

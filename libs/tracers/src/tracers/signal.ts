// signal_kill from tracepoint:signal:signal_generate filtered to SIGKILL (programs/signal.bt).
import { memoryCgroupOfPid } from "@vigil/procfs";
import { intField, parseRecord, type BpftraceMessage } from "../bpftrace-output.js";
import { monotonicNsToIso } from "../clock.js";
import { cgroupRefs, compact } from "../event-fields.js";
import type { TracerDecoder, TracerDefinition } from "../tracer-definition.js";

export class SignalDecoder implements TracerDecoder {
  async decode(msg: BpftraceMessage): Promise<unknown[]> {
    if (msg.type !== "printf") return [];
    const rec = parseRecord(msg.data);
    if (rec?.kind !== "kill") return [];
    const f = rec.fields;
    const pid = intField(f, "pid");
    // The target has not died yet when the signal is generated, so its cgroup is usually still readable.
    const cgroupPath = pid !== undefined && pid > 0 ? memoryCgroupOfPid(pid) : undefined;
    return [
      compact({
        type: "signal_kill",
        ts: f["ns"] ? monotonicNsToIso(f["ns"]) : new Date().toISOString(),
        sig: intField(f, "sig"),
        pid,
        comm: f["comm"],
        sender_pid: intField(f, "sender_pid"),
        sender_comm: f["sender_comm"],
        result: intField(f, "result"),
        cgroup_path: cgroupPath,
        ...cgroupRefs(cgroupPath),
      }),
    ];
  }
}

export const signalTracer: TracerDefinition = {
  name: "signal",
  variants: [
    {
      program: { file: "signal.bt" },
      requires: [{ probe: "tracepoint:signal:signal_generate", args: ["sig", "comm", "pid", "result"] }],
    },
  ],
  async prepare() {
    return { decoder: new SignalDecoder() };
  },
};

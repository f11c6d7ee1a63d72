// oom_kill from tracepoint:oom:mark_victim (programs/oom*.bt).
import type { Logger } from "pino";
import { memoryCgroupOfPid } from "@vigil/procfs";
import { intField, parseRecord, type BpftraceMessage } from "../bpftrace-output.js";
import { commonAncestor, memoryHierarchy, memorySubsysIndex, unifiedHierarchy } from "../cgroup-fs.js";
import { CgroupIdResolver } from "../cgroup-walk.js";
import { monotonicNsToIso } from "../clock.js";
import { cgroupRefs, compact, readComm } from "../event-fields.js";
import type { TracerDecoder, TracerDefinition } from "../tracer-definition.js";

const MARK_VICTIM = "tracepoint:oom:mark_victim";
/** Room for container leaf names (cri-containerd-<64 hex>.scope is 85 characters). */
const STRLEN = 128;

export class OomDecoder implements TracerDecoder {
  private readonly resolver: CgroupIdResolver | undefined;

  /** `cgroupRoot`: mount point of the hierarchy whose cgroup ids the program prints (memory's, or cgroup2). */
  constructor(
    cgroupRoot: string | undefined,
    private readonly log: Logger,
  ) {
    this.resolver = cgroupRoot ? new CgroupIdResolver(cgroupRoot) : undefined;
  }

  async decode(msg: BpftraceMessage): Promise<unknown[]> {
    if (msg.type !== "printf") return [];
    const rec = parseRecord(msg.data);
    if (rec?.kind !== "oom") return [];
    const f = rec.fields;
    const victimPid = intField(f, "victim_pid");
    const triggerPid = intField(f, "trigger_pid");
    const sameTask = victimPid !== undefined && victimPid === triggerPid;
    // The victim is dying: read /proc first. It may already be gone; the trigger's memcg (from BPF)
    // then stands in when the trigger is the victim, which is the usual case for a container limit.
    const victimCgroup = victimPid === undefined ? undefined : memoryCgroupOfPid(victimPid);
    const procComm = victimPid !== undefined && f["victim_comm"] === undefined && !sameTask ? await readComm(victimPid) : undefined;
    const memcg = await this.resolveMemcg(f["memcg_id"], f["memcg_name"]);
    const cgroupPath = victimCgroup ?? (sameTask ? memcg : undefined);
    // The cgroup whose limit was hit contains both the trigger and the victim: their deepest common
    // ancestor is the best estimate (a pod-level limit when they sit in different containers).
    const limitCgroup = memcg && cgroupPath ? commonAncestor(memcg, cgroupPath) : undefined;
    return [
      compact({
        type: "oom_kill",
        ts: f["ns"] ? monotonicNsToIso(f["ns"]) : new Date().toISOString(),
        victim_pid: victimPid,
        victim_comm: f["victim_comm"] ?? (sameTask ? f["trigger_comm"] : procComm),
        trigger_pid: triggerPid,
        trigger_comm: f["trigger_comm"],
        total_vm_kb: intField(f, "total_vm_kb"),
        anon_rss_kb: intField(f, "anon_rss_kb"),
        file_rss_kb: intField(f, "file_rss_kb"),
        shmem_rss_kb: intField(f, "shmem_rss_kb"),
        pgtables_kb: intField(f, "pgtables_kb"),
        oom_score_adj: intField(f, "oom_score_adj"),
        cgroup_path: cgroupPath,
        memcg_path: limitCgroup !== cgroupPath ? limitCgroup : undefined,
        ...cgroupRefs(cgroupPath),
      }),
    ];
  }

  private async resolveMemcg(id: string | undefined, name: string | undefined): Promise<string | undefined> {
    if (!this.resolver || !id || !/^\d+$/.test(id)) return undefined;
    // A name cut at STRLEN cannot be matched against directory names; search by id alone then.
    const leaf = name && name.length < STRLEN - 1 ? name : undefined;
    try {
      return await this.resolver.resolve(BigInt(id), leaf);
    } catch (error) {
      this.log.debug({ err: error, id }, "oom: cannot resolve the trigger's memory cgroup");
      return undefined;
    }
  }
}

export const oomTracer: TracerDefinition = {
  name: "oom",
  variants: [
    {
      program: { file: "oom.bt" },
      requires: [
        { probe: MARK_VICTIM, args: ["pid", "comm", "total_vm", "anon_rss", "file_rss", "shmem_rss", "pgtables", "oom_score_adj"] },
      ],
      btf: true,
    },
    { program: { file: "oom-pid.bt" }, requires: [{ probe: MARK_VICTIM, args: ["pid"] }], btf: true },
    { program: { file: "oom-minimal.bt" }, requires: [{ probe: MARK_VICTIM, args: ["pid"] }] },
  ],
  async prepare({ log }) {
    const [memory, unified, index] = await Promise.all([memoryHierarchy(), unifiedHierarchy(), memorySubsysIndex()]);
    // $1/$2 of the program: read the memory controller's css when its index is known, else cgroup2's.
    const useMemory = memory !== undefined && index !== undefined;
    const root = useMemory ? memory.mountPoint : unified?.mountPoint;
    return {
      args: [String(useMemory ? index : 0), useMemory ? "1" : "0"],
      env: { BPFTRACE_STRLEN: String(STRLEN) },
      decoder: new OomDecoder(root, log),
    };
  },
};

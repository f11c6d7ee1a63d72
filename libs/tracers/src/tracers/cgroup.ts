// container_start / container_exit from tracepoint:cgroup:cgroup_mkdir / cgroup_rmdir (programs/cgroup.bt).
// The tracepoint path is relative to the hierarchy root ("/kubepods.slice/..."); comparing it with an
// absolute /sys/fs/cgroup/... prefix never matches (Konverse's bug), so only the path's shape counts.
import { join } from "node:path";
import type { Logger } from "pino";
import { containerOfCgroup } from "@vigil/procfs";
import { intField, parseRecord, type BpftraceMessage } from "../bpftrace-output.js";
import { hierarchyMountPoints } from "../cgroup-fs.js";
import { CgroupIdResolver } from "../cgroup-walk.js";
import { monotonicNsToIso } from "../clock.js";
import { compact } from "../event-fields.js";
import type { TracerDecoder, TracerDefinition } from "../tracer-definition.js";

/** bpftrace 0.17's maximum; standard systemd-driver container paths (~190 characters) fit. */
const STRLEN = 200;
/** The same directory appears once per v1 hierarchy within milliseconds; remember it this long. */
const DEDUPE_MS = 60_000;
const MAX_KNOWN = 8192;

export class CgroupDecoder implements TracerDecoder {
  private readonly recent = new Map<string, number>();
  /** "<root>:<id>" -> full path of live container cgroups, for rmdirs whose path came truncated. */
  private readonly known = new Map<string, string>();

  /** `mounts`: hierarchy id (the tracepoint's root) -> mount point, to look up truncated paths. */
  constructor(
    private readonly log: Logger,
    private readonly mounts: ReadonlyMap<number, string> = new Map(),
    private readonly now: () => number = Date.now,
  ) {}

  async decode(msg: BpftraceMessage): Promise<unknown[]> {
    if (msg.type !== "printf") return [];
    const rec = parseRecord(msg.data);
    if (rec?.kind !== "mkdir" && rec?.kind !== "rmdir") return [];
    const root = intField(rec.fields, "root");
    const id = intField(rec.fields, "id");
    const key = `${root}:${id}`;
    let path = rec.fields["path"];
    if (!path) return [];
    if (path.length >= STRLEN - 1) {
      // Nested setups (kind, a kubelet inside a container) have longer paths than str() can carry.
      path = rec.kind === "mkdir" ? await this.lookUp(root, id, path) : this.known.get(key);
      if (!path) {
        this.log.debug({ path: rec.fields["path"], root, id }, "cgroup: truncated path could not be recovered");
        return [];
      }
    }
    const container = containerOfCgroup(path);
    if (!container) return [];
    if (rec.kind === "mkdir") this.remember(key, path);
    else this.known.delete(key);
    const type = rec.kind === "mkdir" ? "container_start" : "container_exit";
    if (this.seen(`${type}:${path}`)) return [];
    return [
      compact({
        type,
        ts: rec.fields["ns"] ? monotonicNsToIso(rec.fields["ns"]) : new Date().toISOString(),
        cgroup_path: path,
        container_id: container.containerId,
        pod_uid: container.podUid,
        // Only cgroup2 ids (hierarchy 0) are the ids BPF programs and bpf_get_current_cgroup_id() use.
        cgroup_id: root === 0 ? id : undefined,
      }),
    ];
  }

  /** Finds the new directory by its id (= inode number) below the last complete segment of the cut path. */
  private async lookUp(root: number | undefined, id: number | undefined, cut: string): Promise<string | undefined> {
    const mount = root === undefined ? undefined : this.mounts.get(root);
    if (mount === undefined || id === undefined) return undefined;
    const prefix = cut.slice(0, cut.lastIndexOf("/"));
    const rel = await new CgroupIdResolver(join(mount, prefix), { maxDepth: 6 }).resolve(id);
    return rel === undefined ? undefined : `${prefix}${rel === "/" ? "" : rel}`;
  }

  private remember(key: string, path: string): void {
    if (this.known.size >= MAX_KNOWN) {
      const oldest = this.known.keys().next().value;
      if (oldest !== undefined) this.known.delete(oldest);
    }
    this.known.set(key, path);
  }

  /** True if this key was emitted within DEDUPE_MS; records it otherwise. */
  private seen(key: string): boolean {
    const now = this.now();
    const at = this.recent.get(key);
    if (at !== undefined && now - at < DEDUPE_MS) return true;
    this.recent.set(key, now);
    if (this.recent.size > 4096) {
      for (const [k, t] of this.recent) if (now - t >= DEDUPE_MS) this.recent.delete(k);
    }
    return false;
  }
}

export const cgroupTracer: TracerDefinition = {
  name: "cgroup",
  variants: [
    {
      program: { file: "cgroup.bt" },
      requires: [
        { probe: "tracepoint:cgroup:cgroup_mkdir", args: ["root", "level", "id", "path"] },
        { probe: "tracepoint:cgroup:cgroup_rmdir", args: ["root", "level", "id", "path"] },
      ],
    },
  ],
  async prepare({ log }) {
    return { env: { BPFTRACE_STRLEN: String(STRLEN) }, decoder: new CgroupDecoder(log, await hierarchyMountPoints()) };
  },
};

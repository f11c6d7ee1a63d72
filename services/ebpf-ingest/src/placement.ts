// Where an event belongs: its cgroup, pod and container (from the cgroup path, the pid, or ids the producer
// sent, named through the Kubernetes API or CRI), and for OOM kills whether a container limit or the whole
// node ran out of memory. Read at once: the container's cgroup may be gone a moment later.
import type { Enricher } from "@vigil/enrich";
import type { EventInput } from "./event-input.js";
import type { Placement } from "./to-message.js";

const HEX_ID = /^[0-9a-f]{12,64}$/;

export function placer(enricher: Enricher, ownNode: string) {
  return (input: EventInput, node: string): Placement => {
    const e = input.event as Record<string, unknown>;
    const oom = input.known && input.event.type === "oom_kill" ? input.event : undefined;
    const pid = (oom ? oom.victim_pid : e.pid) as number | undefined;
    // Another node's pid or cgroup means nothing here; its path alone still names pod and container.
    const local = node === ownNode;
    const query: Parameters<Enricher["enrich"]>[0] = {};
    if (typeof e.cgroup_path === "string") query.cgroupPath = e.cgroup_path;
    // The pid is looked up (/proc/<pid>/cgroup) only when the producer did not say where the process was.
    else if (local && typeof pid === "number" && pid > 0) query.pid = pid;
    if (typeof e.container_id === "string" && HEX_ID.test(e.container_id)) query.containerId = e.container_id;
    if (typeof e.pod_uid === "string") query.podUid = e.pod_uid;
    const en = enricher.enrich(query);
    const data: Record<string, unknown> = {};
    if (en.qos) data.qos = en.qos;
    if (en.container?.conmon) data.conmon = true;
    if (en.container?.sandbox) data.sandbox = true;
    if (oom && local) {
      const rss = (oom.anon_rss_kb ?? 0) + (oom.file_rss_kb ?? 0) + (oom.shmem_rss_kb ?? 0);
      const scope = enricher.classifyOom({
        ...(oom.constraint ? { constraint: oom.constraint } : {}),
        ...(en.cgroup ? { cgroupPath: en.cgroup } : {}),
        ...(oom.memcg_path ? { memcgPath: oom.memcg_path } : {}),
        ...(rss > 0 ? { victimRssKb: rss } : {}),
      });
      data.scope = scope.scope;
      data.scopeReason = scope.reason;
    }
    const placement: Placement = { data };
    if (en.cgroup) placement.cgroup = en.cgroup;
    if (en.pod) placement.pod = podRef(en.pod);
    if (en.container) placement.container = containerRef(en.container);
    return placement;
  };
}

// Only the fields the message schema has (the enricher's refs carry extra flags, which go to `data`).
const podRef = (p: NonNullable<ReturnType<Enricher["enrich"]>["pod"]>): NonNullable<Placement["pod"]> => {
  const ref: NonNullable<Placement["pod"]> = { uid: p.uid };
  if (p.namespace) ref.namespace = p.namespace;
  if (p.name) ref.name = p.name;
  return ref;
};

const containerRef = (c: NonNullable<ReturnType<Enricher["enrich"]>["container"]>): NonNullable<Placement["container"]> => {
  const ref: NonNullable<Placement["container"]> = { id: c.id };
  if (c.name) ref.name = c.name;
  if (c.runtime) ref.runtime = c.runtime;
  return ref;
};

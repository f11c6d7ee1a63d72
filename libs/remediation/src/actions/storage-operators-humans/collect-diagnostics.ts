// collect_diagnostics: read-only. What an engineer gathers first, stored with the action record: for a pod,
// describe, events, current and previous logs, usage and its node's pressure; for a workload, its status,
// conditions and events plus the same for its worst pods (not ready first, then most restarts); for a node,
// conditions, taints, allocatable against requested, its pods' phases and events. It runs the same in dry
// run (it only reads), and the bundle is kept under 256 KB, logs trimmed first, with a note of every cut.
import { resourceKey } from "@vigil/contracts";
import { ActionRefusal, defineActionImplementation } from "../../action-implementation.js";
import type { KubeReader } from "../../kube-ops.js";
import { fitDiagnostics } from "./diagnostics-budget.js";
import { iso } from "./diagnostics-describe.js";
import type { EventSummary } from "./diagnostics-reads.js";
import {
  type DiagnosticsOptions,
  type NodeCache,
  nodeDiagnostics,
  type PodDiagnostics,
  podDiagnostics,
  workloadDiagnostics,
} from "./diagnostics-subjects.js";

const WORKLOAD_KINDS = ["Deployment", "StatefulSet", "DaemonSet", "Job"] as const;
type WorkloadKind = (typeof WORKLOAD_KINDS)[number];
const isWorkloadKind = (k: string): k is WorkloadKind => (WORKLOAD_KINDS as readonly string[]).includes(k);

export const collectDiagnostics = defineActionImplementation({
  name: "collect_diagnostics",
  async plan(ctx) {
    const { target, kube, parameters } = ctx;
    const namespace = target.namespace ?? "default";
    const what = resourceKey(target);
    const kind = target.kind;
    if (kind !== "Pod" && kind !== "Node" && !isWorkloadKind(kind))
      throw new ActionRefusal(
        `collect_diagnostics does not support ${kind} targets: give a Pod, a Node or a Deployment, StatefulSet, DaemonSet or Job`,
        "unsupported",
      );
    const exists =
      kind === "Node" ? await kube.find({ kind: "Node", name: target.name }) : await kube.find({ kind, name: target.name, namespace });
    if (!exists) throw new ActionRefusal(`${what} does not exist: nothing to collect diagnostics from`);
    const opts: DiagnosticsOptions = {
      logLines: parameters.logLines,
      sinceMinutes: parameters.sinceMinutes,
      includePrevious: parameters.includePrevious,
    };

    const collect = async (reader: KubeReader) => {
      const nodes: NodeCache = new Map();
      const notes: string[] = [];
      const base = { target: what, collectedAt: iso(new Date(ctx.now())), options: opts };
      let bundle: { pods: PodDiagnostics[]; notes: string[] } & Record<string, unknown>;
      const extraEvents: EventSummary[][] = [];
      if (kind === "Pod") {
        const pod = await reader.get({ kind: "Pod", name: target.name, namespace });
        bundle = { ...base, pods: [await podDiagnostics(reader, pod, opts, nodes)], notes };
      } else if (kind === "Node") {
        const node = await reader.get({ kind: "Node", name: target.name });
        const diag = await nodeDiagnostics(reader, node);
        extraEvents.push(diag.events);
        bundle = { ...base, node: diag, pods: [], notes };
      } else {
        const diag = await workloadDiagnostics(reader, kind, target.name, namespace, opts, nodes);
        extraEvents.push(diag.workload.events);
        if (diag.workload.pods.total > diag.pods.length)
          notes.push(`pods: collected ${diag.pods.length} of ${diag.workload.pods.total} (worst first: not ready, then most restarts)`);
        bundle = { ...base, workload: diag.workload, pods: diag.pods, notes };
      }
      fitDiagnostics(
        bundle,
        bundle.pods.flatMap((p) => p.logs),
        [...bundle.pods.map((p) => p.events), ...extraEvents],
        notes,
      );
      return bundle;
    };

    return {
      summary: `collect diagnostics of ${what} (logs: last ${opts.logLines} lines${opts.includePrevious ? ", previous instances too" : ""}, last ${opts.sinceMinutes} min)`,
      before: {},
      consequences: { readOnly: true },
      async apply(reader) {
        return { after: {}, details: { diagnostics: await collect(reader) } };
      },
    };
  },
});

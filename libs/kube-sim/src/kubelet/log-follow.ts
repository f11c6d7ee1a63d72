// `logs -f`: the kubelet follows one container instance's log, first the lines the request selects (tailLines,
// sinceSeconds), then every line written after, and ends the stream once that container has exited (it never
// follows into a restarted instance) or the pod is gone.
import type { Cluster } from "../cluster.js";
import { R } from "../api/resources.js";
import type { Pod } from "../types.js";
import { formatLines, instanceLines, logSource, selectLines, type LogOptions } from "./logs.js";

export interface LogFollower {
  /** What the request selects now: the first chunk of the stream. */
  readonly initial: string;
  /** Lines written since the last call, and whether the stream is over. */
  next(): { text: string; done: boolean };
}

const DONE = { text: "", done: true };

export const followPodLogs = (cluster: Cluster, pod: Pod, opts: LogOptions = {}): LogFollower => {
  const source = logSource(cluster, pod, opts);
  const start = cluster.now();
  const inst = source?.instance(pod);
  const all = inst ? instanceLines(inst, start) : [];
  // The lines are append-only in time order, so how many were seen is enough to know what is new.
  let seen = all.length;
  const exited = (finishedAt: number | undefined, now: number): boolean => finishedAt !== undefined && finishedAt <= now;
  let over = !source || !inst || exited(inst.finishedAt, start);
  return {
    initial: formatLines(selectLines(all, start, opts), opts.timestamps),
    next() {
      if (over || !source) return DONE;
      const current = cluster.get<Pod>(R.pods, pod.metadata.namespace, pod.metadata.name!);
      const now = cluster.now();
      const followed = current && current.metadata.uid === source.podUid ? source.instance(current) : undefined;
      if (!followed) {
        over = true;
        return DONE;
      }
      const lines = instanceLines(followed, now);
      const text = formatLines(lines.slice(seen), opts.timestamps);
      seen = Math.max(seen, lines.length);
      over = exited(followed.finishedAt, now);
      return { text, done: over };
    },
  };
};

// Event recording is best-effort, as with client-go's recorder (fire-and-forget): an event that cannot be
// written never fails the sync that reported it.
import type { Cluster } from "../cluster.js";
import type { RecordOptions } from "../events.js";
import type { KubeObject } from "../types.js";

export function recordEvent(cluster: Cluster, involved: KubeObject, reason: string, message: string, opts: RecordOptions): void {
  try {
    cluster.events.record(involved, reason, message, opts);
  } catch {
    // Dropped, as a recorder drops events it cannot deliver.
  }
}

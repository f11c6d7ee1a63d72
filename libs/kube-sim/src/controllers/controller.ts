import type { Cluster } from "../cluster.js";

/**
 * One control loop. Controllers are level-triggered: each pass looks at the whole current state and
 * writes what is needed to move it towards the desired state, so a missed change is never lost.
 */
export interface Controller {
  readonly name: string;
  reconcile(cluster: Cluster): void;
}

/**
 * Runs `sync` for every item. One broken object must not starve the others of reconciliation, so a failure is held
 * until every item has had its pass, and then the first one is rethrown for the control plane to report.
 */
export const syncEach = <T>(items: Iterable<T>, sync: (item: T) => void): void => {
  const failures: unknown[] = [];
  for (const item of items) {
    try {
      sync(item);
    } catch (err) {
      failures.push(err);
    }
  }
  if (failures.length > 0) throw failures[0];
};

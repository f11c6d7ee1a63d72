import type { Cluster } from "../cluster.js";

/**
 * One control loop. Controllers are level-triggered: each pass looks at the whole current state and
 * writes what is needed to move it towards the desired state, so a missed change is never lost.
 */
export interface Controller {
  readonly name: string;
  reconcile(cluster: Cluster): void;
}

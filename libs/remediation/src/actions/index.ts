// The registry of action implementations: one module per catalog entry, grouped as the catalog groups them.
// `implementationOf` is what the executor calls; a catalog action without an implementation is a bug the
// registry test catches (and `implementationOf` refuses at run time, never a silent no-op).
import { type ActionName, actionNames } from "@vigil/contracts";
import type { ActionImplementation } from "../action-implementation.js";
import { podAndNodeActions } from "./pods-and-nodes.js";
import { storageOperatorAndHumanActions } from "./storage-operators-humans.js";
import { workloadActions } from "./workloads.js";

const all = [...workloadActions, ...podAndNodeActions, ...storageOperatorAndHumanActions] as readonly ActionImplementation[];

export const actionImplementations: ReadonlyMap<ActionName, ActionImplementation> = new Map(all.map((a) => [a.name, a]));

/** Catalog actions with no implementation (the registry test expects none). */
export const unimplementedActions = (): ActionName[] => actionNames.filter((n) => !actionImplementations.has(n));

export function implementationOf<N extends ActionName>(name: N): ActionImplementation<N> {
  const impl = actionImplementations.get(name);
  if (!impl) throw new Error(`action ${name} has no implementation in @vigil/remediation`);
  return impl as unknown as ActionImplementation<N>;
}

// What a pod asks of a node, computed like k8s.io/component-helpers/resource.PodRequests.
import type { V1Container } from "@kubernetes/client-node";
import { bytes, cpuMillis } from "../quantity.js";
import type { Pod } from "../types.js";

/** Requested amounts: cpu in millicores, memory and ephemeral storage in bytes. */
export interface Resources {
  cpu: number;
  memory: number;
  ephemeralStorage: number;
}

export const zeroResources = (): Resources => ({ cpu: 0, memory: 0, ephemeralStorage: 0 });

// Scoring treats a container without a cpu/memory request as asking for 100m and 200Mi, so best-effort pods
// still spread out instead of piling onto one node (scheduler's util.DefaultMilliCPURequest / DefaultMemoryRequest).
export const DEFAULT_NON_ZERO_CPU = 100;
export const DEFAULT_NON_ZERO_MEMORY = 200 * 1024 * 1024;

type Quantities = Record<string, string | number> | undefined;

/** One resource of one container: the request, else the limit (the API server defaults requests to limits), else unset. */
function quantity(c: V1Container, name: string): string | number | undefined {
  const requests = c.resources?.requests as Quantities;
  const limits = c.resources?.limits as Quantities;
  return requests?.[name] ?? limits?.[name];
}

function containerRequests(c: V1Container, nonZero: boolean): Resources {
  const cpu = quantity(c, "cpu");
  const memory = quantity(c, "memory");
  const storage = quantity(c, "ephemeral-storage");
  return {
    cpu: cpu === undefined ? (nonZero ? DEFAULT_NON_ZERO_CPU : 0) : cpuMillis(cpu),
    memory: memory === undefined ? (nonZero ? DEFAULT_NON_ZERO_MEMORY : 0) : bytes(memory),
    ephemeralStorage: storage === undefined ? 0 : bytes(storage),
  };
}

const add = (a: Resources, b: Resources): Resources => ({
  cpu: a.cpu + b.cpu,
  memory: a.memory + b.memory,
  ephemeralStorage: a.ephemeralStorage + b.ephemeralStorage,
});

const max = (a: Resources, b: Resources): Resources => ({
  cpu: Math.max(a.cpu, b.cpu),
  memory: Math.max(a.memory, b.memory),
  ephemeralStorage: Math.max(a.ephemeralStorage, b.ephemeralStorage),
});

/**
 * Sum of the app containers, max'ed per resource with each init container (init containers run one at a time
 * before the app containers). Sidecars (init containers with restartPolicy Always) keep running, so they add to
 * the sum and to every later init container. Pod overhead (RuntimeClass) comes on top.
 * With `nonZero`, missing cpu/memory requests count as the scoring defaults above.
 */
export function podRequests(pod: Pod, nonZero = false): Resources {
  let total = zeroResources();
  for (const c of pod.spec.containers ?? []) total = add(total, containerRequests(c, nonZero));
  let sidecars = zeroResources();
  let init = zeroResources();
  for (const c of pod.spec.initContainers ?? []) {
    const r = containerRequests(c, nonZero);
    if (c.restartPolicy === "Always") {
      total = add(total, r);
      sidecars = add(sidecars, r);
      init = max(init, sidecars);
    } else {
      init = max(init, add(r, sidecars));
    }
  }
  total = max(total, init);
  const overhead = pod.spec.overhead as Quantities;
  if (overhead) {
    total = add(total, {
      cpu: overhead["cpu"] === undefined ? 0 : cpuMillis(overhead["cpu"]),
      memory: overhead["memory"] === undefined ? 0 : bytes(overhead["memory"]),
      ephemeralStorage: overhead["ephemeral-storage"] === undefined ? 0 : bytes(overhead["ephemeral-storage"]),
    });
  }
  return total;
}

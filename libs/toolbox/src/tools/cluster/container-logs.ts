// container_logs: the tail of a container's log, of the running instance or of the previous one (the one that
// crashed), read from the API server (logs are not cached) with readContainerLogs from @vigil/kube. When there
// is nothing to read (no previous instance, still waiting to start) the answer says why instead of failing.
import type { V1Pod } from "@kubernetes/client-node";
import { readContainerLogs, type LogsUnavailableReason } from "@vigil/kube";
import { z } from "zod";
import { defineTool, ToolInputError } from "../../tool-definition.js";
import { cachedPod, namespaceField, podNameField } from "./inputs.js";

/** A byte cap on top of the line count: one minified JSON line can be megabytes. */
const LIMIT_BYTES = 256 * 1024;

const WHY: Record<Exclude<LogsUnavailableReason, "pod-not-found" | "container-not-found" | "container-required">, string> = {
  "previous-not-found": "the container has not restarted, so there is no previous instance (ask for the current log)",
  "not-started": "the container is waiting to start (image pull, crash-loop back-off, not scheduled): it has no output yet",
  unavailable: "the API server could not serve this log",
};

function containerNames(pod: V1Pod): { containers: string[]; initContainers: string[] } {
  return {
    containers: (pod.spec?.containers ?? []).map((c) => c.name),
    initContainers: (pod.spec?.initContainers ?? []).map((c) => c.name),
  };
}

/** A main container waits for the init containers: when one of them fails, its log is where the error is. */
function initHint(pod: V1Pod, container: string): string {
  const { initContainers } = containerNames(pod);
  if (initContainers.length === 0 || initContainers.includes(container)) return "";
  return `; init containers run first (${initContainers.join(", ")}): name one in \`container\` to read its log`;
}

/** The container to read: the one named (which must exist), or the pod's only one. */
function chooseContainer(pod: V1Pod, wanted: string | undefined): string {
  const { containers, initContainers } = containerNames(pod);
  const listing = `containers: ${containers.join(", ")}${initContainers.length ? `; init containers: ${initContainers.join(", ")}` : ""}`;
  const where = `${pod.metadata?.namespace}/${pod.metadata?.name}`;
  if (wanted !== undefined) {
    if (containers.includes(wanted) || initContainers.includes(wanted)) return wanted;
    throw new ToolInputError(`pod ${where} has no container ${wanted}; ${listing}`);
  }
  if (containers.length === 1) return containers[0]!;
  throw new ToolInputError(`pod ${where} has ${containers.length} containers: name one in \`container\` (${listing})`);
}

export const containerLogsTool = defineTool({
  name: "container_logs",
  title: "Container logs (tail, current or previous)",
  description:
    "The last lines of a container's log. previous=true reads the instance before the last restart: the one that crashed, where " +
    "the error is for a crash loop or an OOM kill. A pod with several containers needs `container`. When there is no log to read, " +
    "the answer says why (no previous instance, not started yet).",
  input: z.object({
    namespace: namespaceField,
    pod: podNameField,
    container: z
      .string()
      .min(1)
      .optional()
      .describe("Container name, an init container's too; required when the pod has more than one (non-init) container"),
    previous: z.boolean().default(false).describe("true: the previous (crashed) instance's log; false: the running instance's"),
    tailLines: z.number().int().min(1).max(500).default(100).describe("How many of the last lines to return (1-500)"),
  }),
  run: async (ctx, input, signal) => {
    const pod = cachedPod(ctx, input.namespace, input.pod);
    const container = chooseContainer(pod, input.container);
    const target = { namespace: input.namespace, name: input.pod };
    const result = await readContainerLogs(ctx.cache.client, target, {
      container,
      previous: input.previous,
      tailLines: input.tailLines,
      limitBytes: LIMIT_BYTES,
      ...(signal ? { signal } : {}),
    });
    const about = { namespace: input.namespace, pod: input.pod, container, previous: input.previous };
    if (result.ok) {
      const lines = result.text === "" ? 0 : result.text.replace(/\n$/, "").split("\n").length;
      return { ...about, lines, ...(result.truncated ? { cutAtBytes: LIMIT_BYTES } : {}), log: result.text };
    }
    if (result.reason === "pod-not-found" || result.reason === "container-not-found" || result.reason === "container-required")
      throw new ToolInputError(`no log for ${input.namespace}/${input.pod} container ${container}: ${result.message}`);
    return {
      ...about,
      available: false,
      reason: result.reason,
      why: WHY[result.reason] + initHint(pod, container),
      detail: result.message,
    };
  },
});

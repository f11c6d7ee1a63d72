// describe_pod: a pod as `kubectl describe pod` shows it (the analysis describePod view), made smaller for a
// model: the last-applied-configuration annotation (the whole manifest again) is left out, and only the newest
// events are listed (totalEvents still counts them all; failure_events classifies every one).
import { describePod } from "@vigil/analysis";
import { defineTool } from "../../tool-definition.js";
import { cachedPod, podInput } from "./inputs.js";

/** Events listed; a crash loop's story is in its newest few, and failure_events has the rest classified. */
export const DESCRIBE_POD_EVENTS = 20;
const LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

export const describePodTool = defineTool({
  name: "describe_pod",
  title: "Describe a pod",
  description:
    "A pod as `kubectl describe pod` shows it: status, node, each container's state, last state (exit code, OOMKilled), " +
    "restarts, requests and limits, environment (references named, never resolved), mounts, volumes, QoS, tolerations, " +
    `conditions and its ${DESCRIBE_POD_EVENTS} newest events. Start here for any pod-level problem.`,
  input: podInput,
  run: (ctx, { namespace, name }) => {
    const view = describePod(ctx.analysis(), cachedPod(ctx, namespace, name));
    const { [LAST_APPLIED]: _manifest, ...annotations } = view.annotations;
    return Promise.resolve({ ...view, annotations, events: view.events.slice(0, DESCRIBE_POD_EVENTS) });
  },
});

// failure_events: the pod's events that signal failure, classified (category, severity, possible causes, a
// suggested action), with recurrence and what is ongoing: the analysis podFailureEventsView.
import { podFailureEventsView } from "@vigil/analysis";
import { defineTool } from "../../tool-definition.js";
import { cachedPod, podInput } from "./inputs.js";

export const failureEventsTool = defineTool({
  name: "failure_events",
  title: "A pod's failure events, classified",
  description:
    "Every failure event of a pod (OOMKilled, BackOff, FailedScheduling, ErrImagePull, Unhealthy probes...) classified by category " +
    "and severity, with how often it recurs, possible causes (exit codes, OOM kills and memory limits from the pod's status) and a " +
    "suggested action; most severe and newest first, plus the issues still ongoing (critical, last 5 minutes of cluster time).",
  input: podInput,
  run: (ctx, { namespace, name }) => Promise.resolve(podFailureEventsView(ctx.analysis(), cachedPod(ctx, namespace, name))),
});

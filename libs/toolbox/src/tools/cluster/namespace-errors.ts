// namespace_errors: the problem pods of a namespace's Deployments and StatefulSets, by issue type (the analysis
// namespaceErrorsView). A namespace that does not exist is an input error, not an empty answer.
import { namespaceErrorsView } from "@vigil/analysis";
import { z } from "zod";
import { defineTool } from "../../tool-definition.js";
import { namespaceField, requireNamespace } from "./inputs.js";

export const namespaceErrorsTool = defineTool({
  name: "namespace_errors",
  title: "Problem pods of a namespace",
  description:
    "The pods of a namespace's Deployments and StatefulSets that have trouble: high restarts, CrashLoopBackOff, image pull errors, " +
    "Failed, Pending (with ResourceConstraints / Unschedulable when the scheduler says so), each with its owner, issues and recent " +
    "warning events, plus a summary by issue type. Use it to see whether a problem is one pod or the whole namespace.",
  input: z.object({ namespace: namespaceField }),
  run: (ctx, { namespace }, signal) => {
    requireNamespace(ctx, namespace);
    return namespaceErrorsView(ctx.analysis(), namespace, signal);
  },
});

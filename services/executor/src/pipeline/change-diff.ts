// The diff an approver approves: the changed fields of the target, before (as read while planning) and after (as
// the API server's dry run answered), one block per field, sorted so the same change always renders the same text
// (and so has the same hash). A change that shows no field difference still says what it does (deleting a pod,
// evicting, notifying), so there is always something concrete to approve.
import type { ActionPlan, ApplyResult } from "@vigil/remediation";

const render = (value: unknown): string => (value === undefined ? "(absent)" : JSON.stringify(value));

export function changeDiff(plan: ActionPlan, dryRun: ApplyResult, subjectLabel: string): string {
  const keys = [...new Set([...Object.keys(plan.before), ...Object.keys(dryRun.after)])].sort();
  const lines = [`--- ${subjectLabel} (before)`, `+++ ${subjectLabel} (server-side dry run)`, `# ${plan.summary}`];
  for (const key of keys) {
    const before = render(plan.before[key]);
    const after = render(dryRun.after[key]);
    if (before === after) continue;
    lines.push(`@@ ${key}`, `- ${before}`, `+ ${after}`);
  }
  return lines.join("\n") + "\n";
}

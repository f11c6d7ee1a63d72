// The executor's policy for the demo: the shipped one (deploy/executor/policy.yaml), unchanged by default. With
// `--require-approval rollback_deployment,...` the demo writes a copy whose approval.requiredFor.actions lists them,
// so the approval path (request, the diff it binds to, a human's decision over the REST API) can be seen too: the
// shipped policy only holds high-risk actions for approval, and no shipped scenario leads the rules engine to one.
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { catalogActionName } from "@vigil/contracts";
import { parseDocument } from "yaml";

export interface DemoPolicy {
  path: string;
  /** How the policy differs from the shipped one, for the live view ("" when it does not). */
  difference: string;
}

export const shippedPolicyPath = (root: string): string => join(root, "deploy", "executor", "policy.yaml");

export async function demoPolicy(root: string, requireApproval: readonly string[], dataDir: string): Promise<DemoPolicy> {
  const shipped = shippedPolicyPath(root);
  if (requireApproval.length === 0) return { path: shipped, difference: "" };
  const bad = requireApproval.filter((a) => !catalogActionName.safeParse(a).success);
  if (bad.length > 0) throw new Error(`--require-approval: ${bad.join(", ")} is not a catalog action`);
  const doc = parseDocument(await readFile(shipped, "utf8"));
  const current = (doc.getIn(["approval", "requiredFor", "actions"]) as { toJSON(): string[] } | undefined)?.toJSON() ?? [];
  doc.setIn(["approval", "requiredFor", "actions"], [...new Set([...current, ...requireApproval])]);
  const path = join(dataDir, "policy.yaml");
  await writeFile(
    path,
    `# deploy/executor/policy.yaml, with approval required for ${requireApproval.join(", ")} (npm run demo -- --require-approval)\n${doc.toString()}`,
  );
  return { path, difference: `approval required for ${requireApproval.join(", ")}` };
}

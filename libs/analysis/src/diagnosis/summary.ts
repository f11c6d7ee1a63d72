// The one paragraph a human reads first: the main finding, the likeliest explanation, and how much more
// there is; or, plainly, that nothing is wrong or that the alert names something that does not exist.
import type { Finding, Hypothesis, ResourceRef } from "@vigil/contracts";

export const refText = (r: ResourceRef): string =>
  `${r.kind} ${r.namespace ? `${r.namespace}/` : ""}${r.name}${r.container ? ` (container ${r.container})` : ""}`;

const percent = (c: number): string => `${Math.round(c * 100)}%`;

export function issueSummary(findings: readonly Finding[], hypotheses: readonly Hypothesis[]): string {
  const [main, ...rest] = findings;
  if (!main) throw new Error("issueSummary needs a finding");
  const serious = rest.filter((f) => f.severity !== "info").length;
  const top = hypotheses[0];
  return [
    main.summary.replace(/\.$/, "") + ".",
    top ? `Likely: ${top.statement.replace(/\.$/, "")} (${percent(top.confidence)}).` : "",
    serious > 0 ? `${serious} more finding${serious === 1 ? "" : "s"} around it.` : "",
  ]
    .filter(Boolean)
    .join(" ");
}

export function noIssueSummary(alertname: string, subject: ResourceRef | undefined, analyzed: number, infos: number): string {
  const around = analyzed > 1 ? ` and the ${analyzed - 1} object${analyzed === 2 ? "" : "s"} around it` : "";
  const what = subject ? `${refText(subject)}${around}` : `the ${analyzed} object${analyzed === 1 ? "" : "s"} in scope`;
  return (
    `No problem found in ${what}: ${alertname} may have been transient or already recovered.` +
    (infos > 0 ? ` ${infos} informational finding${infos === 1 ? "" : "s"}.` : "")
  );
}

export function notFoundSummary(alertname: string, target: ResourceRef): string {
  return `${refText(target)}, named by ${alertname}, does not exist in the cluster: it was deleted or replaced, so the alert may be stale.`;
}

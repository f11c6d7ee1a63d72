// Ingress: does every backend Service exist, and will any controller pick it up?
// - A backend naming a Service that does not exist (usually renamed): INGRESS_BACKEND_SERVICE_MISSING, with the
//   Services of the namespace that expose the wanted port as candidates. A backend that exists but has no ready
//   endpoints is the Service analyzer's finding, not this one.
// - The class: IngressClass is not cached (a controller-specific, cluster-scoped kind the simulator does not
//   serve), so a class name that matches no IngressClass is not determinable and is not reported. What is
//   determinable: an Ingress naming no class at all (no ingressClassName, no kubernetes.io/ingress.class
//   annotation) was created when no default IngressClass existed (the DefaultIngressClass admission plugin would
//   have filled it in), and if no controller has published an address for it either, none serves it.
// - TLS secrets: Secrets are not cached (list/watch on secrets is read access to every secret's data), so a
//   missing TLS secret is not reported.
import type { V1Ingress, V1IngressBackend, V1Service } from "@kubernetes/client-node";
import { defineAnalyzer, type AnalysisContext, type FindingDraft } from "../../analyzer-definition.js";
import { eventEvidence, ms, objectEvidence, refOf } from "../../evidence.js";

const CLASS_ANNOTATION = "kubernetes.io/ingress.class";
/** A controller publishes an address within seconds; before this an Ingress without one is simply new. */
const ADMISSION_GRACE_MS = 5 * 60_000;

interface BackendUse {
  service: string;
  port: string;
  where: string;
}

function backends(ing: V1Ingress): BackendUse[] {
  const out: BackendUse[] = [];
  const add = (b: V1IngressBackend | undefined, where: string) => {
    const svc = b?.service;
    if (svc?.name) out.push({ service: svc.name, port: svc.port?.name ?? String(svc.port?.number ?? ""), where });
  };
  add(ing.spec?.defaultBackend, "default backend");
  for (const rule of ing.spec?.rules ?? []) {
    for (const path of rule.http?.paths ?? []) add(path.backend, `${rule.host ?? "*"}${path.path ?? "/"}`);
  }
  return out;
}

const exposes = (svc: V1Service, port: string): boolean =>
  (svc.spec?.ports ?? []).some((p) => String(p.port) === port || (p.name !== undefined && p.name === port));

export const ingressAnalyzer = defineAnalyzer({
  name: "ingress",
  area: "network",
  kind: "Ingress",
  analyze(ing, ctx) {
    const out: FindingDraft[] = [];
    const missing = new Map<string, BackendUse[]>();
    for (const b of backends(ing)) {
      if (ctx.cache.get({ kind: "Service", namespace: ing.metadata?.namespace ?? "default", name: b.service })) continue;
      missing.set(b.service, [...(missing.get(b.service) ?? []), b]);
    }
    for (const [service, uses] of missing) out.push(missingBackend(ing, service, uses, ctx));
    const classless = noClass(ing, ctx);
    if (classless) out.push(classless);
    return out;
  },
});

function missingBackend(ing: V1Ingress, service: string, uses: BackendUse[], ctx: AnalysisContext): FindingDraft {
  const ns = ing.metadata?.namespace ?? "default";
  const port = uses[0]?.port ?? "";
  const candidates = ctx.cache
    .store("Service")
    .list({ namespace: ns })
    .filter((s) => s.spec?.type !== "ExternalName" && exposes(s, port))
    .map((s) => s.metadata?.name ?? "");
  const wrongFix = `restarting the ingress controller will not help, and creating an empty Service ${service} that selects no pods only turns the error into "no active endpoint"`;
  const events = ctx.cache
    .eventsFor({ kind: "Ingress", namespace: ns, name: ing.metadata?.name ?? "", ...(ing.metadata?.uid ? { uid: ing.metadata.uid } : {}) })
    .filter((e) => e.type === "Warning")
    .slice(-3);
  return {
    code: "INGRESS_BACKEND_SERVICE_MISSING",
    severity: "critical",
    resource: refOf(ing),
    summary: `Ingress ${ns}/${ing.metadata?.name} routes ${uses.map((u) => u.where).join(", ")} to Service ${service}, which does not exist`,
    detail:
      `The ingress controller has no upstream for ${uses.map((u) => u.where).join(", ")} and answers 503.` +
      (candidates.length > 0
        ? ` Services in ${ns} exposing port ${port}: ${candidates.slice(0, 5).join(", ")}.`
        : ` No Service in ${ns} exposes port ${port}.`),
    evidence: [
      objectEvidence(ing, `Ingress backend Service ${service} (port ${port}) is missing`, {
        ingressClassName: ing.spec?.ingressClassName,
        backends: uses.map((u) => ({ path: u.where, service: u.service, port: u.port })),
      }),
      ...events.map(eventEvidence),
    ],
    hypotheses: [
      candidates.length > 0
        ? {
            statement: `The backend Service was renamed or replaced: point the Ingress at ${candidates.length === 1 ? `Service ${candidates[0]}` : `one of ${candidates.slice(0, 3).join(", ")}`}; ${wrongFix}`,
            confidence: candidates.length === 1 ? 0.75 : 0.5,
            actions: ["escalate"],
          }
        : {
            statement: `Service ${service} was deleted or never deployed: deploy it or fix the Ingress; ${wrongFix}`,
            confidence: 0.5,
            actions: ["escalate"],
          },
    ],
  };
}

function noClass(ing: V1Ingress, ctx: AnalysisContext): FindingDraft | undefined {
  if (ing.spec?.ingressClassName || ing.metadata?.annotations?.[CLASS_ANNOTATION]) return undefined;
  if ((ing.status?.loadBalancer?.ingress ?? []).length > 0) return undefined;
  const created = ms(ing.metadata?.creationTimestamp);
  if (created === undefined || ctx.now - created < ADMISSION_GRACE_MS) return undefined;
  const name = `${ing.metadata?.namespace}/${ing.metadata?.name}`;
  return {
    code: "INGRESS_CLASS_MISSING",
    severity: "warning",
    resource: refOf(ing),
    summary: `Ingress ${name} names no ingress class and no controller has admitted it`,
    detail:
      `It has neither spec.ingressClassName nor the ${CLASS_ANNOTATION} annotation, so no default IngressClass existed when it was created, ` +
      `and no controller has published an address for it: only a controller that watches class-less Ingresses would serve it.`,
    evidence: [
      objectEvidence(ing, `Ingress ${name}: no class, no load-balancer address`, {
        ingressClassName: null,
        loadBalancer: ing.status?.loadBalancer ?? {},
      }),
    ],
    hypotheses: [
      { statement: `Set spec.ingressClassName to the class of the cluster's ingress controller`, confidence: 0.6, actions: ["escalate"] },
    ],
  };
}

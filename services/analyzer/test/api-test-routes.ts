// Routes for testing the API machinery itself (router, deadline, envelope, errors), independent of the real
// table's views. They still read real caches and analyzers: the timeout test's route is real work over many
// pods, never a sleep.
import { analyzeObject } from "@vigil/analysis";
import { NotFoundError, UnavailableError } from "@vigil/errors";
import { z } from "zod";
import { nodeParams, namespaceParams, podParams } from "../src/api/params.js";
import { defineRoute, type ApiRoute } from "../src/api/route.js";

export const podSummaryRoute = defineRoute({
  path: "/api/v1/test/pods/:namespace/:pod/summary",
  operationId: "testPodSummary",
  summary: "A pod's phase and node, from the cache",
  tags: ["test"],
  params: podParams,
  response: z.object({ name: z.string(), namespace: z.string(), node: z.string().nullable(), phase: z.string() }),
  errors: ["RESOURCE_NOT_FOUND"],
  handler: ({ params, ctx }) => {
    const pod = ctx.cache.get({ kind: "Pod", namespace: params.namespace, name: params.pod });
    if (!pod) throw new NotFoundError("Pod not found", { details: `Pod '${params.pod}' not found in namespace '${params.namespace}'` });
    return { name: params.pod, namespace: params.namespace, node: pod.spec?.nodeName ?? null, phase: pod.status?.phase ?? "Unknown" };
  },
});

/** 404 for an unknown node, 503 when metrics are missing: the shape of the real utilization route. */
export const nodeUsageRoute = defineRoute({
  path: "/api/v1/test/nodes/:node/usage",
  operationId: "testNodeUsage",
  summary: "A node's CPU usage from the usage view",
  tags: ["test"],
  params: nodeParams,
  response: z.object({ nodeName: z.string(), cpuCores: z.number() }),
  errors: ["RESOURCE_NOT_FOUND", "SERVICE_UNAVAILABLE"],
  handler: ({ params, ctx }) => {
    if (!ctx.cache.get({ kind: "Node", name: params.node })) {
      throw new NotFoundError("Node not found", { details: `Node '${params.node}' not found` });
    }
    const usage = ctx.usage.node(params.node);
    if (!usage.available) throw new UnavailableError("Metrics server not available", { details: usage.reason, retryAfterMs: 15_000 });
    return { nodeName: params.node, cpuCores: usage.value.cpuCores };
  },
});

/** Every finding of every analyzer over a namespace's pods, with their events: work that grows with the pods. */
export const namespaceFindingsRoute = defineRoute({
  path: "/api/v1/test/namespace/:namespace/findings",
  operationId: "testNamespaceFindings",
  summary: "Findings of every pod of a namespace",
  tags: ["test"],
  params: namespaceParams,
  query: z.object({
    limit: z.coerce.number().int().min(1).max(1000).default(100),
    severity: z.enum(["info", "warning", "critical"]).optional(),
  }),
  response: z.object({ pods: z.number(), events: z.number(), findings: z.array(z.object({ pod: z.string(), code: z.string() })) }),
  errors: [],
  handler: ({ params, query, ctx }) => {
    const pods = ctx.cache.store("Pod").list({ namespace: params.namespace });
    let events = 0;
    const findings: { pod: string; code: string }[] = [];
    for (const pod of pods) {
      const name = pod.metadata?.name ?? "";
      events += ctx.cache.eventsFor({ kind: "Pod", namespace: params.namespace, name, uid: pod.metadata?.uid }).length;
      for (const f of analyzeObject(pod, ctx)) {
        if (!query.severity || f.severity === query.severity) findings.push({ pod: name, code: f.code });
      }
    }
    return { pods: pods.length, events, findings: findings.slice(0, query.limit) };
  },
});

/** A handler bug: reads a property of undefined. Its message must not reach the client. */
export const brokenRoute = defineRoute({
  path: "/api/v1/test/broken",
  operationId: "testBroken",
  summary: "Always fails with a bug",
  tags: ["test"],
  params: z.object({}),
  response: z.object({ ok: z.boolean() }),
  errors: [],
  handler: ({ ctx }) => {
    const secret = ctx.cache.get({ kind: "Pod", namespace: "nowhere", name: "internal-db-password" });
    return { ok: secret!.metadata!.name === "x" };
  },
});

/** Answers data its schema refuses: the harness's response validation turns it into a 500 listing the issues. */
export const wrongShapeRoute = defineRoute({
  path: "/api/v1/test/wrong-shape",
  operationId: "testWrongShape",
  summary: "Answers a number where its schema says string",
  tags: ["test"],
  params: z.object({}),
  response: z.object({ name: z.string() }),
  errors: [],
  handler: () => ({ name: 42 }) as unknown as { name: string },
});

/** An async handler that only finishes when its signal aborts: proves the deadline aborts in-flight work. */
export function abortWatchRoute(seen: { aborted: boolean; reason?: unknown }): ApiRoute {
  return defineRoute({
    path: "/api/v1/test/until-aborted",
    operationId: "testUntilAborted",
    summary: "Waits for its AbortSignal",
    tags: ["test"],
    params: z.object({}),
    response: z.object({ done: z.boolean() }),
    errors: [],
    handler: ({ signal }) =>
      new Promise<{ done: boolean }>((resolve) => {
        signal.addEventListener("abort", () => {
          seen.aborted = true;
          seen.reason = signal.reason;
          resolve({ done: true });
        });
      }),
  });
}

export const machineryRoutes: readonly ApiRoute[] = [podSummaryRoute, nodeUsageRoute, namespaceFindingsRoute, brokenRoute, wrongShapeRoute];

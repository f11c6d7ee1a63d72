// Routes: incidents, the analyzer's grouping of alerts per owning workload or node, with their latest diagnosis.
// Served from the pipeline's in-memory mirror of KV `vigil_incidents` (IncidentReader), never a NATS round trip.
import { digestOf, incidentDetailResponse, incidentListQuery, incidentListResponse, messageId } from "@vigil/contracts";
import { NotFoundError } from "@vigil/errors";
import { z } from "zod";
import { defineRoute, type ApiRoute } from "../route.js";

export const incidentsRoutes: readonly ApiRoute[] = [
  defineRoute({
    path: "/api/v1/incidents",
    operationId: "listIncidents",
    summary: "Open and recent incidents with their alerts and latest diagnosis (in short)",
    description:
      "One incident per owning workload or node within ANALYZER_INCIDENT_WINDOW, across alert names, newest update first. " +
      "Resolved incidents stay listed for a day after they resolved. Each diagnosis comes as a digest (conclusion and findings, " +
      "no evidence): GET /api/v1/incidents/{id} has it whole.",
    tags: ["incidents"],
    params: z.object({}),
    query: incidentListQuery,
    response: incidentListResponse,
    errors: [],
    handler: async ({ query, ctx }) => {
      const found = await ctx.incidents.list({ limit: query.limit, ...(query.status ? { status: query.status } : {}) });
      const incidents = found.map(({ incident, diagnosis }) => (diagnosis ? { incident, diagnosis: digestOf(diagnosis) } : { incident }));
      return { incidents, count: incidents.length };
    },
  }),
  defineRoute({
    path: "/api/v1/incidents/:id",
    operationId: "getIncident",
    summary: "One incident with its alerts and latest diagnosis (whole: evidence, hypotheses, context)",
    tags: ["incidents"],
    params: z.object({ id: messageId }),
    response: incidentDetailResponse,
    errors: ["RESOURCE_NOT_FOUND"],
    handler: async ({ params, ctx }) => {
      const found = await ctx.incidents.get(params.id);
      if (!found) throw new NotFoundError(`incident ${params.id} not found (unknown, or resolved more than a day ago)`);
      return found;
    },
  }),
];

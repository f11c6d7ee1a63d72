// The analyzer's REST API, one file per group of endpoints. Order is the OpenAPI document's order.
import type { ApiRoute } from "../route.js";
import { clusterViewsRoutes } from "./cluster-views.js";
import { incidentsRoutes } from "./incidents.js";
import { nodePressureRoutes } from "./node-pressure.js";
import { podViewsRoutes } from "./pod-views.js";
import { schedulingRoutes } from "./scheduling.js";

export const apiRoutes: readonly ApiRoute[] = [
  ...podViewsRoutes,
  ...schedulingRoutes,
  ...clusterViewsRoutes,
  ...nodePressureRoutes,
  ...incidentsRoutes,
];

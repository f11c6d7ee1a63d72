// Routes: incidents.
import type { ApiRoute } from "../route.js";

export const incidentsRoutes: readonly ApiRoute[] = [];

// Routes: cluster-views.
import type { ApiRoute } from "../route.js";

export const clusterViewsRoutes: readonly ApiRoute[] = [];

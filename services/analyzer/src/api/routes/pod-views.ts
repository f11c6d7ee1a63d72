// Routes: pod-views.
import type { ApiRoute } from "../route.js";

export const podViewsRoutes: readonly ApiRoute[] = [];

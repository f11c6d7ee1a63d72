// Routes: scheduling.
import type { ApiRoute } from "../route.js";

export const schedulingRoutes: readonly ApiRoute[] = [];

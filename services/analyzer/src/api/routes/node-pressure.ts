// Routes: node-pressure.
import type { ApiRoute } from "../route.js";

export const nodePressureRoutes: readonly ApiRoute[] = [];

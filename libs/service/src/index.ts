/// <reference types="pino-http" preserve="true" />
// ^ brings pino-http's `req.log` / `req.id` typings to every service using this kit.
export { runService, startService, type RunningService, type ServiceContext, type ServiceDefinition } from "./service.js";
export { baseConfigShape, ConfigError, envBoolean, loadConfig, type BaseConfig } from "./config.js";
export { createLogger } from "./logger.js";
export { createHttpApp, type HttpAppOptions } from "./http-app.js";
export { errorResponse, type ErrorResponse, HttpError, metadata, methodNotAllowed, requestIdOf, sendData } from "./http-errors.js";
export { Readiness, type ReadinessCheck, type ReadinessReport, type ReadinessResult } from "./readiness.js";
export { requireAuth, secretMatches, type AuthConfig } from "./auth.js";
export { bodyErrors } from "./http-body.js";
export { settlesWithin } from "./settles-within.js";

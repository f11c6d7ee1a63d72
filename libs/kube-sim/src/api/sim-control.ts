// The simulator's own control endpoint, outside the Kubernetes API paths: `/sim/v1/...`. It lets black-box tests
// and the CLI (`kube-sim time`, `kube-sim advance 5m`) read and drive simulated time in a process they reach only
// over HTTP, e.g. a CLI started with `--clock virtual`. Errors are Kubernetes `Status` objects, like the rest of the
// server, so every client of this port reads one error shape. Moving time moves it for every client, so the paths are
// authorized like any non-resource URL (/healthz, /metrics) before they get here (auth/guard.ts): cluster-admin's.
import type { IncomingMessage, ServerResponse } from "node:http";
import { parseDurationMs } from "@vigil/contracts";
import type { Cluster } from "../cluster.js";
import { rfc3339, type SimClock } from "../clock.js";
import type { ScenarioInfo } from "../scenario/loader.js";
import { ApiError, badRequest } from "./status.js";
import { mediaType, parseBody, readBody, sendJson } from "./http.js";

export const SIM_CONTROL_PREFIX = "/sim/";

/** What the endpoint drives: the running simulator's clock, its advance() and the loaded scenario. */
export interface SimControls {
  clock: SimClock;
  /** Resolves with the simulated time this advance reached. */
  advance(ms: number): Promise<number>;
  scenario(): ScenarioInfo | undefined;
}

// Keyed by cluster so the API server (which knows only its cluster) finds its simulator without a new parameter.
const registry = new WeakMap<Cluster, SimControls>();

export const registerSimControls = (cluster: Cluster, controls: SimControls): void => {
  registry.set(cluster, controls);
};

const DURATION_FORMAT = "a Go-style duration such as 30s, 5m, 1h30m or 2d";

const timeBody = (clock: SimClock, now = clock.now()) => ({
  now: rfc3339(now),
  nowMs: now,
  mode: clock.mode,
  startedAt: rfc3339(clock.startedAt),
});

const notFoundPath = (): ApiError =>
  new ApiError(
    404,
    "NotFound",
    "the server could not find the requested resource (kube-sim serves /sim/v1/time, /sim/v1/advance, /sim/v1/scenario)",
  );

const methodNotAllowed = (method: string, allowed: string): ApiError =>
  new ApiError(405, "MethodNotAllowed", `the server does not allow this method on the requested resource (${method}; use ${allowed})`);

/** The duration to advance by: `?by=5m`, or a JSON body `{ "by": "5m" }`. */
const requestedDuration = async (req: IncomingMessage, query: URLSearchParams): Promise<number> => {
  let by: unknown = query.get("by") ?? undefined;
  if (by === undefined) {
    const text = await readBody(req);
    if (text.trim() !== "") by = (parseBody(text, mediaType(req)) as { by?: unknown } | null)?.by;
  }
  if (by === undefined || by === "")
    throw badRequest(`missing duration: pass ?by=<duration> or a JSON body {"by": "<duration>"}, ${DURATION_FORMAT}`);
  const ms = typeof by === "string" ? parseDurationMs(by) : undefined;
  if (ms === undefined) throw badRequest(`invalid duration ${JSON.stringify(by)}: use ${DURATION_FORMAT}`);
  return ms;
};

const advance = async (controls: SimControls, req: IncomingMessage, res: ServerResponse, query: URLSearchParams): Promise<void> => {
  if (controls.clock.mode !== "virtual") {
    throw new ApiError(
      409,
      "Conflict",
      "the simulator runs on the real clock, which follows the wall clock and cannot be advanced: start kube-sim with --clock virtual",
    );
  }
  const ms = await requestedDuration(req, query);
  const reached = await controls.advance(ms);
  sendJson(res, 200, { ...timeBody(controls.clock, reached), advancedMs: ms });
};

const scenario = (controls: SimControls, res: ServerResponse): void => {
  const s = controls.scenario();
  if (!s) throw new ApiError(404, "NotFound", "no scenario is loaded (start kube-sim with --scenario <name|file>)");
  sendJson(res, 200, { name: s.name, description: s.description, symptom: s.symptom, remediation: s.remediation });
};

/** Serves `/sim/v1/...` (the caller routes every path under SIM_CONTROL_PREFIX here). */
export const handleSimControl = async (cluster: Cluster, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
  const controls = registry.get(cluster);
  const path = url.pathname.replace(/\/+$/, "");
  const method = req.method ?? "GET";
  if (!controls) throw notFoundPath();
  switch (path) {
    case "/sim/v1/time":
      if (method !== "GET") throw methodNotAllowed(method, "GET");
      return sendJson(res, 200, timeBody(controls.clock));
    case "/sim/v1/advance":
      if (method !== "POST") throw methodNotAllowed(method, "POST");
      return advance(controls, req, res, url.searchParams);
    case "/sim/v1/scenario":
      if (method !== "GET") throw methodNotAllowed(method, "GET");
      return scenario(controls, res);
  }
  throw notFoundPath();
};

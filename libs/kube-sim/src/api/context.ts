import type { IncomingMessage, ServerResponse } from "node:http";
import type { Cluster } from "../cluster.js";
import type { ResourceRequest } from "./request.js";
import type { UserInfo } from "../auth/user.js";

/** Everything a handler needs about one API request. */
export interface ApiContext {
  cluster: Cluster;
  req: IncomingMessage;
  res: ServerResponse;
  query: URLSearchParams;
  target: ResourceRequest;
  /** Store key of the addressed resource type ("deployments.apps"). */
  key: string;
  /** Who the request acts as (after impersonation); admission and reviews read it. */
  user?: UserInfo;
}

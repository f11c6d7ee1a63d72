// Who decides, when --by is not given: VIGIL_USER, else the login name. Approvals, rejections and pauses are
// recorded with a name; the executor refuses an empty one.
import { userInfo } from "node:os";

export function defaultUser(env: NodeJS.ProcessEnv): string {
  if (env["VIGIL_USER"]) return env["VIGIL_USER"];
  try {
    return userInfo().username;
  } catch {
    return env["USER"] ?? "unknown";
  }
}

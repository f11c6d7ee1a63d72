// Whether an API an action depends on (a CRD installed by an operator: VolumeSnapshot, ExternalSecret) is served,
// asked the way kubectl does: GET /apis/<group>/<version>, recorded as an operation of the execution. A 404 means
// the group version is not installed; any other error (403, 5xx) is not an answer and propagates.
import { isNotFound } from "@vigil/kube";
import type { KubeReader } from "../../kube-ops.js";

interface ApiResourceList {
  groupVersion?: string;
  resources?: Array<{ name?: string; verbs?: string[] }>;
}

/** The first of `versions` that serves `resource` in `group`, or undefined when none does. */
export async function servedVersion(
  kube: KubeReader,
  group: string,
  versions: readonly string[],
  resource: string,
): Promise<string | undefined> {
  for (const version of versions) {
    let list: ApiResourceList;
    try {
      list = (await kube.raw({
        method: "GET",
        path: `/apis/${group}/${version}`,
        verb: "get",
        apiGroup: group,
        resource: "discovery",
      })) as ApiResourceList;
    } catch (err) {
      if (isNotFound(err)) continue;
      throw err;
    }
    if (list.resources?.some((r) => r.name === resource)) return version;
  }
  return undefined;
}

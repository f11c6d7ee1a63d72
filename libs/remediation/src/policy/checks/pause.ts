// The break-glass pause (POST /api/v1/pause → a KV flag every replica reads): while it is set, no live change
// runs anywhere. Dry runs still do, so the team sees what Vigil would have done while it was paused.
import { definePolicyCheck } from "../policy-check.js";
import { allow, deny } from "../verdicts.js";

export const pauseCheck = definePolicyCheck({
  id: "pause",
  async evaluate(input, ctx) {
    const pause = await ctx.state.pause();
    if (!pause?.paused) return undefined;
    const why = `${pause.by} at ${pause.at}${pause.reason ? ` ("${pause.reason}")` : ""}`;
    if (input.mode === "dry-run") return allow("pause", `the executor is paused by ${why}; dry runs continue`);
    return deny("pause", `live actions are paused (break-glass) by ${why}; POST /api/v1/resume to resume`);
  },
});

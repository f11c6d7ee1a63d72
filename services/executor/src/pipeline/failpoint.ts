// Fault injection for the delivery tests: `EXECUTOR_FAILPOINT=after-apply` makes the process die (as kill -9 would)
// at that point, so a test can prove that a crash between the change and its record, or between the record and the
// ack, never applies a change twice. Unset in production; reading one environment variable costs nothing.
export type FailpointName = "after-executing" | "after-apply" | "before-ack";

export function failpoint(name: FailpointName): void {
  if (process.env.EXECUTOR_FAILPOINT === name) {
    process.stderr.write(`EXECUTOR_FAILPOINT=${name}: exiting as a crash would\n`);
    process.kill(process.pid, "SIGKILL");
  }
}

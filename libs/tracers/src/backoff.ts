// The shared retry formula (libs/contracts), so tracer restarts back off like everything else.
export { backoffDelay, type BackoffOptions } from "@vigil/contracts";

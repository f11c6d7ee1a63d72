// The shared retry formula (libs/contracts), so CRI reconnects back off like everything else.
export { backoffDelay, type BackoffOptions } from "@vigil/contracts";

// Alerts that mean "nothing is wrong": Prometheus rule sets fire them on purpose, so a diagnosis of them is
// an explicit "no issue found", never a search for a problem. One list, here, so the pipeline and the
// diagnosis agree.

/** Alert name → why it does not mean trouble (the diagnosis summary says so). */
export const NO_TROUBLE_ALERTS: ReadonlyMap<string, string> = new Map([
  ["Watchdog", "Watchdog always fires: it proves the alerting pipeline works, it is not a problem in the cluster"],
  [
    "InfoInhibitor",
    "InfoInhibitor fires while info-level alerts are active, only to inhibit their notifications: it is not a problem in the cluster",
  ],
]);

/** Why the alert means no trouble, or undefined when it may. */
export function noTroubleReason(alertname: string): string | undefined {
  return NO_TROUBLE_ALERTS.get(alertname);
}

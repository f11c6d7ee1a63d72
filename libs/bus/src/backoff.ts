import { backoffDelay, type BackoffOptions } from "@vigil/contracts";

export type { BackoffOptions };

/** Exponential delay for the n-th failed delivery (1-based), with ±20% jitter so retries of a burst spread out. */
export const retryDelay = (deliveryCount: number, options: BackoffOptions): number => backoffDelay(deliveryCount, options);

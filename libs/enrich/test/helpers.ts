// Shared test helpers.
import type { EnrichLogger } from "../src/index.js";

/** Logs nothing; set DEBUG_ENRICH=1 to see what the enricher reports. */
export const silentLog: EnrichLogger = process.env.DEBUG_ENRICH
  ? { debug: (o, m) => console.debug(m, o), info: (o, m) => console.info(m, o), warn: (o, m) => console.warn(m, o) }
  : { debug: () => {}, info: () => {}, warn: () => {} };

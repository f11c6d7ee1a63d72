// Child of availability.test.ts, run in a private mount namespace without tracefs: reports what
// ensureTracefs() and bpfAvailability() make of it, as one JSON line.
import { pino } from "pino";
import { bpfAvailability, ensureTracefs } from "../src/index.js";

const log = pino({ level: "silent" });
const tracefs = await ensureTracefs(log);
const availability = await bpfAvailability({ log });
process.stdout.write(`${JSON.stringify({ tracefs, availability })}\n`);

import { pino } from "pino";
import { TracerSupervisor } from "@vigil/tracers";
const log = pino({ level: "warn" });
for (let i = 0; i < 8; i++) {
  const t0 = Date.now();
  const sup = new TracerSupervisor({ tracers: ["oom"], log, onEvent: () => {} });
  await sup.start();
  const t1 = Date.now();
  if (i % 2) await new Promise((r) => setTimeout(r, 300));
  const t2 = Date.now();
  await sup.stop();
  console.log(i, "start", t1 - t0, "stop", Date.now() - t2);
}

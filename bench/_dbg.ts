import { startNats } from "@vigil/testing";
import { startWebhook, postJson, amPayload, crashLoopAlerts } from "../services/webhook/test/helpers.js";
const nats = await startNats();
const w = await startWebhook(nats.url, { WEBHOOK_BEARER_TOKEN: "tok" });
let r = await postJson(`${w.url}/alerts`, amPayload(crashLoopAlerts(1)), { authorization: "tok" });
console.log(r.status, await r.text());
r = await fetch(`${w.url}/alerts`, { method: "POST", headers: { authorization: "Bearer tok" }, body: new Uint8Array(Buffer.from("{}")) });
console.log(r.status, await r.text());
await w.shutdown(); await nats.stop();

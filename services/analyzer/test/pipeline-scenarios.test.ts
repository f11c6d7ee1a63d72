// One pipeline test per simulator scenario, driven by libs/analysis/test/scenario-expectations.ts: the scenario's
// alert published on vigil.alerts.firing as the webhook publishes it (with the kernel events ebpf-ingest would have
// published first), and the diagnosis awaited on vigil.analysis.completed must match the scenario: outcome,
// target, owner, main finding (and kernel evidence where the row asks for it). One NATS for the file, one
// simulator and analyzer per scenario.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { diagnosisMessage, kvBuckets, topics } from "@vigil/contracts";
import { type NatsServerHandle, startNats } from "@vigil/testing";
import { alertMessageFor, expectationProblems, scenarioExpectations } from "@vigil/acceptance";
import { diagnosisOf, forgetIncidents, type Harness, startHarness, waitFor } from "./pipeline-helpers.js";

/** The analyzer's count of telemetry messages its windows kept, for one topic (from /metrics). */
async function keptTelemetry(h: Harness, topic: string): Promise<number> {
  const text = await (await fetch(`${h.analyzer.url}/metrics`)).text();
  const line = text
    .split("\n")
    .find((l) => l.startsWith("vigil_analyzer_telemetry_messages_total{") && l.includes(`topic="${topic}"`) && l.includes('kept="true"'));
  return line ? Number(line.slice(line.lastIndexOf(" ") + 1)) : 0;
}

describe("analyzer pipeline: one alert per simulator scenario gives the scenario's diagnosis", () => {
  let nats: NatsServerHandle;
  before(async () => {
    nats = await startNats();
  });
  after(async () => {
    await nats?.stop();
  });

  for (const row of scenarioExpectations) {
    it(`${row.scenario}: ${row.why}`, async () => {
      const h = await startHarness(nats.url, { scenario: row.scenario });
      try {
        // Each scenario starts from a clean slate: owners are named alike across scenarios (shop/web...).
        await forgetIncidents(h.jsm);
        await h.jsm.streams.purge(`KV_${kvBuckets.processed.name}`).catch(() => undefined);

        const kernelEvents = row.kernelEvents?.(h.sim) ?? [];
        for (const event of kernelEvents) await h.bus.publish(topics.kernelEvents, event);
        if (kernelEvents.length > 0) {
          await waitFor(async () => (await keptTelemetry(h, topics.kernelEvents.name)) >= kernelEvents.length, {
            message: "the analyzer's windows hold the kernel events",
          });
        }

        const alert = alertMessageFor(row.alert(h.sim), new Date(h.sim.clock.now()));
        await h.bus.publish(topics.alerts, alert);
        const diagnosis = diagnosisMessage.parse(await diagnosisOf(h.jsm, alert));
        assert.deepEqual(expectationProblems(row, diagnosis, alert), [], `${row.scenario}: ${diagnosis.summary}`);
        assert.equal(diagnosis.causationId, alert.id);
        assert.equal(diagnosis.correlationId, alert.correlationId);
      } finally {
        await h.stop();
      }
    });
  }
});

// The alert component: resolved after the action scores 1; an alert firing continuously since before the action is
// NOT resolved (Kubernaut's bug), whether the history or Alertmanager v2 says so; a re-fire within the window (the same
// fingerprint, or the replacement pod's own alert) is a recurrence; an unknown state is no data, with the reason.
// Also newAlertsForOwner, the side effects' "new alerts for the same owner".
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { alertFingerprint } from "@vigil/alertmanager";
import { freePort, postAlerts, startAlertmanager, waitFor, type AlertmanagerHandle } from "@vigil/testing";
import { AlertHistory } from "../src/alert-history.js";
import { alertmanagerV2 } from "../src/alertmanager-v2.js";
import { alert } from "../src/components/alert.js";
import { newAlertsForOwner } from "../src/new-alerts.js";
import { crashLoopAlert, MIN, signalContext, startSignalCluster, T0, type SignalCluster } from "./signal-helpers.js";

const OLD_POD = "payments-api-7f9c8d6b5-aaaaa";
const NEW_POD = "payments-api-7f9c8d6b5-bbbbb";
const fp = (pod: string, alertname = "KubePodCrashLooping") => crashLoopAlert(pod, { startsAt: T0, alertname }).fingerprint;

describe("alert component", () => {
  let c: SignalCluster;
  before(async () => {
    c = await startSignalCluster();
  });
  after(() => c.stop());

  const historyOf = (...alerts: Parameters<typeof crashLoopAlert>[]) => {
    const h = new AlertHistory();
    for (const a of alerts) h.add(crashLoopAlert(...a));
    return h;
  };

  it("has the documented weight", () => {
    assert.equal(alert.name, "alert");
    assert.equal(alert.weight, 0.25);
  });

  it("an alert firing continuously since before the action is not resolved (history)", async () => {
    const history = historyOf([OLD_POD, { startsAt: T0 - 20 * MIN }], [OLD_POD, { startsAt: T0 - 20 * MIN, receivedAt: T0 + 10 * MIN }]);
    const r = await alert.assess(signalContext({ cluster: c.cache, history, fingerprint: fp(OLD_POD) }));
    assert.equal(r.value, 0);
    assert.equal(r.alertResolved, false);
    assert.ok(!r.recurrence);
    assert.match(r.explanation, /firing continuously since 2026-11-22T04:40:00\.000Z, 20m before the action .*not resolved/);
    assert.equal((r.evidence!["episodes"] as unknown[]).length, 1);
  });

  it("resolved after the action, nothing since: 1", async () => {
    const history = historyOf(
      [OLD_POD, { startsAt: T0 - 20 * MIN }],
      [OLD_POD, { startsAt: T0 - 20 * MIN, status: "resolved", endsAt: T0 + 3 * MIN }],
    );
    const r = await alert.assess(signalContext({ cluster: c.cache, history, fingerprint: fp(OLD_POD) }));
    assert.deepEqual([r.value, r.alertResolved, r.recurrence ?? false], [1, true, false]);
    assert.match(r.explanation, /was firing at the action and resolved 3m after the action, and has not fired again/);
  });

  it("the replacement pod's own alert starting after the action is a recurrence (restart_pod)", async () => {
    const history = historyOf(
      [OLD_POD, { startsAt: T0 - 20 * MIN }],
      [OLD_POD, { startsAt: T0 - 20 * MIN, status: "resolved", endsAt: T0 + 1 * MIN }],
      [NEW_POD, { startsAt: T0 + 8 * MIN }],
    );
    const r = await alert.assess(signalContext({ cluster: c.cache, history, fingerprint: fp(OLD_POD) }));
    assert.deepEqual([r.value, r.alertResolved, r.recurrence], [0, false, true]);
    assert.match(
      r.explanation,
      /fired again for Deployment\/shop\/payments-api 8m after the action \(pod payments-api-7f9c8d6b5-bbbbb\) and is still firing: a recurrence/,
    );
  });

  it("the same fingerprint re-firing within the window is a recurrence even once resolved again", async () => {
    const history = historyOf(
      [OLD_POD, { startsAt: T0 - 20 * MIN, status: "resolved", endsAt: T0 + 2 * MIN }],
      [OLD_POD, { startsAt: T0 + 6 * MIN, status: "resolved", endsAt: T0 + 9 * MIN }],
    );
    const r = await alert.assess(signalContext({ cluster: c.cache, history, fingerprint: fp(OLD_POD) }));
    assert.deepEqual([r.value, r.alertResolved, r.recurrence], [0, true, true]);
  });

  it("a re-fire after the window is not this action's recurrence", async () => {
    const history = historyOf(
      [OLD_POD, { startsAt: T0 - 20 * MIN, status: "resolved", endsAt: T0 + 2 * MIN }],
      [OLD_POD, { startsAt: T0 + 16 * MIN }],
    );
    const r = await alert.assess(signalContext({ cluster: c.cache, history, fingerprint: fp(OLD_POD) }));
    assert.deepEqual([r.value, r.alertResolved], [1, true]);
  });

  it("resolved before the action: resolved, but no data about the action", async () => {
    const history = historyOf([OLD_POD, { startsAt: T0 - 20 * MIN, status: "resolved", endsAt: T0 - 2 * MIN }]);
    const r = await alert.assess(signalContext({ cluster: c.cache, history, fingerprint: fp(OLD_POD) }));
    assert.deepEqual([r.value, r.alertResolved], [null, true]);
    assert.match(r.explanation, /resolved on its own/);
  });

  it("never seen and no Alertmanager: unknown (null), saying why", async () => {
    const r = await alert.assess(signalContext({ cluster: c.cache, fingerprint: fp(OLD_POD) }));
    assert.deepEqual([r.value, r.alertResolved], [null, null]);
    assert.match(r.explanation, /unknown: no episode of it was seen on vigil\.alerts\.\* in the window, and no Alertmanager is configured/);
  });

  it("another owner's alert of the same name says nothing about this one", async () => {
    const history = historyOf(["checkout-5d8f7c9b4-abcde", { startsAt: T0 - 20 * MIN }]);
    const r = await alert.assess(signalContext({ cluster: c.cache, history, fingerprint: fp(OLD_POD) }));
    assert.equal(r.value, null);
  });

  describe("with Alertmanager v2", () => {
    let am: AlertmanagerHandle;
    // Alertmanager keeps wall-clock time: these tests put the action 5 minutes ago, the window ending now.
    const now = Date.now();
    const actionAt = now - 5 * MIN;
    const windows = { before: { from: actionAt - 15 * MIN, to: actionAt }, after: { from: actionAt + 2 * MIN, to: now } };
    const labels = (alertname: string, pod: string) => ({ alertname, severity: "warning", namespace: "shop", pod, container: "api" });
    const ctx = (alertname: string, history = new AlertHistory(), url = am.url) =>
      signalContext({
        cluster: c.cache,
        actionAt,
        windows,
        alertname,
        history,
        fingerprint: alertFingerprint(labels(alertname, OLD_POD)),
        alertmanager: alertmanagerV2(url),
      });

    before(async () => {
      am = await startAlertmanager({ webhookUrl: `http://127.0.0.1:${await freePort()}/hook` });
      await postAlerts(am.url, [
        { labels: labels("CrashContinuous", OLD_POD), startsAt: new Date(now - 30 * MIN).toISOString() },
        { labels: labels("CrashRefired", NEW_POD), startsAt: new Date(now - 1 * MIN).toISOString() },
      ]);
      await waitFor(async () => (await alertmanagerV2(am.url).activeAlerts({})).length === 2, { message: "alerts stored" });
    });
    after(() => am?.stop());

    it("an alert firing continuously since before the action is not resolved (Alertmanager), whatever the history lost", async () => {
      // The history saw it resolve (a stray resolved, say): Alertmanager's state now wins.
      const history = new AlertHistory();
      history.add(
        crashLoopAlert(OLD_POD, { alertname: "CrashContinuous", startsAt: now - 30 * MIN, status: "resolved", endsAt: actionAt + MIN }),
      );
      const r = await alert.assess(ctx("CrashContinuous", history));
      assert.deepEqual([r.value, r.alertResolved, r.recurrence ?? false], [0, false, false]);
      assert.match(r.explanation, /firing continuously since .*25m before the action .*Alertmanager still has it active: not resolved/);
      assert.equal((r.evidence!["alertmanager"] as { state: string }).state, "answered");
    });

    it("an active alert that started after the action is a recurrence", async () => {
      const r = await alert.assess(ctx("CrashRefired"));
      assert.deepEqual([r.value, r.alertResolved, r.recurrence], [0, false, true]);
    });

    it("an episode the history still has open but Alertmanager no longer has active is resolved", async () => {
      const history = new AlertHistory();
      history.add(crashLoopAlert(OLD_POD, { alertname: "CrashGone", startsAt: now - 30 * MIN }));
      const r = await alert.assess(ctx("CrashGone", history));
      assert.deepEqual([r.value, r.alertResolved], [1, true]);
      assert.match(r.explanation, /no longer active in Alertmanager/);
    });

    it("never seen, and Alertmanager has nothing firing for the owner: resolved", async () => {
      const r = await alert.assess(ctx("CrashNeverSeen"));
      assert.deepEqual([r.value, r.alertResolved], [1, true]);
      assert.match(r.explanation, /Alertmanager has no CrashNeverSeen firing/);
    });

    it("Alertmanager unreachable: judged from the history, saying so; unknown without history", async () => {
      const down = `http://127.0.0.1:${await freePort()}`;
      const history = new AlertHistory();
      history.add(
        crashLoopAlert(OLD_POD, { alertname: "CrashDown", startsAt: now - 30 * MIN, status: "resolved", endsAt: actionAt + MIN }),
      );
      const r = await alert.assess(ctx("CrashDown", history, down));
      assert.deepEqual([r.value, r.alertResolved], [1, true]);
      assert.match(r.explanation, /Alertmanager could not be asked: .*unreachable.*judged from the alerts seen on vigil\.alerts\.\*/);

      const unknown = await alert.assess(ctx("CrashDown", new AlertHistory(), down));
      assert.deepEqual([unknown.value, unknown.alertResolved], [null, null]);
      assert.match(unknown.explanation, /unknown: .*Alertmanager could not be asked/);
    });
  });

  it("newAlertsForOwner: other alertnames of the owner that started after the action, within the window", () => {
    const history = historyOf(
      [NEW_POD, { startsAt: T0 + 4 * MIN, alertname: "KubePodNotReady" }],
      [NEW_POD, { startsAt: T0 + 5 * MIN }],
      [OLD_POD, { startsAt: T0 - 5 * MIN, alertname: "KubeContainerWaiting" }],
      ["checkout-5d8f7c9b4-abcde", { startsAt: T0 + 4 * MIN, alertname: "KubePodNotReady" }],
      [NEW_POD, { startsAt: T0 + 20 * MIN, alertname: "KubeMemoryOvercommit" }],
    );
    const found = newAlertsForOwner(signalContext({ cluster: c.cache, history }));
    assert.deepEqual(
      found.map((e) => [e.alertname, e.target?.name]),
      [["KubePodNotReady", NEW_POD]],
    );
  });
});

// Time: the clock starts at the wall clock (or a pinned start), and a virtual clock can be read and advanced from
// outside the process, over /sim/v1 and with `kube-sim time` / `kube-sim advance`. Issue #13 "Why" (Time): ages of
// ~340d against the wall clock, and a pod created after `set resources` that stayed ContainerCreating for good under
// `--clock virtual` because nothing outside the process could advance the clock.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { createServer, type AddressInfo } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { parse as parseYaml } from "yaml";
import { spawnTracked } from "@vigil/testing";
import { KubeSim, type Pod } from "../src/index.js";
import { runControlCommand, UsageError } from "../src/cli-control.js";
import { kubectlFor, kubectlMissing } from "./kubectl-helpers.js";
import { nodes } from "./sim-helpers.js";

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL("../../..", import.meta.url));
const CLI = fileURLToPath(new URL("../src/cli.ts", import.meta.url));
const NODE_ARGS = ["--conditions=@vigil/source", "--import", "tsx", CLI];
const MINUTE = 60_000;

interface TimeAnswer {
  now: string;
  nowMs: number;
  mode: string;
  startedAt: string;
  advancedMs?: number;
}

/** Runs the kube-sim CLI to completion: its exit code, stdout and stderr. */
const cli = async (...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> => {
  try {
    const { stdout, stderr } = await run(process.execPath, [...NODE_ARGS, ...args], { cwd: ROOT, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === "number" ? e.code : -1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
};

/** A port nothing listens on. */
const freePort = async (): Promise<number> => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
};

const post = (url: string, init: RequestInit = {}) => fetch(url, { method: "POST", ...init });

const pod = (name: string) => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name, namespace: "default" },
  spec: { containers: [{ name: "app", image: "nginx:1.27", resources: { limits: { memory: "128Mi" } } }] },
});

test("the clock starts at the wall clock, virtual and real, so kubectl describe shows event ages in seconds", async (t) => {
  for (const clock of ["virtual", "real"] as const) {
    const sim = await KubeSim.start({ clock });
    t.after(() => sim.stop());
    assert.ok(Math.abs(sim.clock.now() - Date.now()) < MINUTE, `${clock}: ${new Date(sim.clock.now()).toISOString()} is not now`);
  }
  const missing = await kubectlMissing();
  if (missing) return t.skip(missing);
  const sim = await KubeSim.start();
  const kubectl = await kubectlFor(sim);
  t.after(async () => {
    await sim.stop();
    await kubectl.close();
  });
  sim.load([...nodes(1), pod("web")] as never);
  await sim.advance("10s");
  // describe computes ages on the client, against the wall clock: a clock in the past showed "340d" here.
  const out = await kubectl("describe", "pod", "web");
  const age = /Normal\s+Scheduled\s+(\S+)\s+default-scheduler/.exec(out)?.[1];
  assert.match(age ?? out, /^\d+s$/, "the Scheduled event is seconds old");
  assert.match(out, new RegExp(`^Start Time:\\s+.*${new Date().getUTCFullYear()}`, "m"));
});

test("startTime pins the start, on either clock; an invalid one is refused", async (t) => {
  const start = Date.parse("2026-01-01T00:00:00Z");
  const virtual = await KubeSim.start({ startTime: "2026-01-01T00:00:00Z" });
  t.after(() => virtual.stop());
  assert.equal(virtual.clock.now(), start);
  await virtual.advance("90s");
  assert.equal(virtual.clock.now(), start + 90_000);
  assert.equal(virtual.clock.startedAt, start);

  const real = await KubeSim.start({ clock: "real", startTime: start });
  t.after(() => real.stop());
  const now = real.clock.now();
  assert.ok(now >= start && now < start + MINUTE, "a pinned real clock runs on from its start at wall-clock speed");

  await assert.rejects(KubeSim.start({ startTime: "yesterday" }), /invalid start time "yesterday": use ISO 8601/);
});

test("GET /sim/v1/time and POST /sim/v1/advance drive the virtual clock and the control plane", async (t) => {
  const sim = await KubeSim.start({ startTime: "2026-02-01T08:00:00Z" });
  t.after(() => sim.stop());
  const time = (await (await fetch(`${sim.url}/sim/v1/time`)).json()) as TimeAnswer;
  assert.deepEqual(time, {
    now: "2026-02-01T08:00:00Z",
    nowMs: Date.parse("2026-02-01T08:00:00Z"),
    mode: "virtual",
    startedAt: "2026-02-01T08:00:00Z",
  });

  sim.load([...nodes(1), pod("web")] as never);
  assert.equal(sim.get<Pod>("Pod", "web")!.status?.phase, "Pending", "nothing moves until time does");
  const res = await post(`${sim.url}/sim/v1/advance?by=5m`);
  assert.equal(res.status, 200);
  const advanced = (await res.json()) as TimeAnswer;
  assert.equal(advanced.now, "2026-02-01T08:05:00Z");
  assert.equal(advanced.advancedMs, 5 * MINUTE);
  assert.equal(sim.clock.now(), Date.parse("2026-02-01T08:05:00Z"));
  assert.equal(sim.get<Pod>("Pod", "web")!.status?.phase, "Running", "the control plane ran on the way");

  const byBody = await post(`${sim.url}/sim/v1/advance`, {
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ by: "1m30s" }),
  });
  assert.equal(((await byBody.json()) as TimeAnswer).now, "2026-02-01T08:06:30Z");
});

test("concurrent advance requests are serialised: each moves time by its own amount", async (t) => {
  const sim = await KubeSim.start({ startTime: "2026-02-01T00:00:00Z" });
  t.after(() => sim.stop());
  const start = sim.clock.now();
  const answers = await Promise.all(
    [1, 2, 3].map(async () => (await (await post(`${sim.url}/sim/v1/advance?by=1m`)).json()) as TimeAnswer),
  );
  assert.deepEqual(
    answers.map((a) => a.nowMs - start).sort((a, b) => a - b),
    [1 * MINUTE, 2 * MINUTE, 3 * MINUTE],
  );
  assert.equal(sim.clock.now(), start + 3 * MINUTE);
});

test("the control endpoint's errors: bad or missing duration, a real clock, wrong method, unknown path, no scenario", async (t) => {
  const sim = await KubeSim.start();
  const real = await KubeSim.start({ clock: "real" });
  t.after(() => Promise.all([sim.stop(), real.stop()]));
  const status = async (res: Response) => ({
    code: res.status,
    ...((await res.json()) as { reason: string; message: string; kind: string }),
  });

  const bad = await status(await post(`${sim.url}/sim/v1/advance?by=5 minutes`));
  assert.equal(bad.code, 400);
  assert.equal(bad.kind, "Status");
  assert.equal(bad.message, 'invalid duration "5 minutes": use a Go-style duration such as 30s, 5m, 1h30m or 2d');
  const none = await status(await post(`${sim.url}/sim/v1/advance`));
  assert.equal(none.code, 400);
  assert.match(none.message, /^missing duration: pass \?by=<duration> or a JSON body/);

  const conflict = await status(await post(`${real.url}/sim/v1/advance?by=5m`));
  assert.equal(conflict.code, 409);
  assert.match(conflict.message, /real clock.*cannot be advanced: start kube-sim with --clock virtual/);
  assert.equal(((await (await fetch(`${real.url}/sim/v1/time`)).json()) as TimeAnswer).mode, "real");

  assert.equal((await status(await fetch(`${sim.url}/sim/v1/advance?by=5m`))).code, 405);
  assert.equal((await status(await fetch(`${sim.url}/sim/v1/nothing`))).code, 404);
  const scenario = await status(await fetch(`${sim.url}/sim/v1/scenario`));
  assert.equal(scenario.code, 404);
  assert.match(scenario.message, /no scenario is loaded/);
});

test("GET /sim/v1/scenario describes the loaded scenario", async (t) => {
  const sim = await KubeSim.start({ scenario: "oom-crashloop" });
  t.after(() => sim.stop());
  const s = (await (await fetch(`${sim.url}/sim/v1/scenario`)).json()) as Record<string, string>;
  assert.equal(s.name, "oom-crashloop");
  assert.deepEqual(Object.keys(s).sort(), ["description", "name", "remediation", "symptom"]);
  assert.match(s.remediation!, /memory limit/);
});

test("the control endpoint is for cluster-admins: other identities get the API server's 403, bad tokens 401", async (t) => {
  const sim = await KubeSim.start();
  t.after(() => sim.stop());
  const tokenOf = (kubeconfig: string): string =>
    (parseYaml(kubeconfig) as { users: Array<{ user: { token: string } }> }).users[0]!.user.token;
  const admin = await post(`${sim.url}/sim/v1/advance?by=1s`, { headers: { Authorization: `Bearer ${tokenOf(sim.kubeconfig())}` } });
  assert.equal(admin.status, 200);
  const robot = tokenOf(sim.kubeconfig({ user: "system:serviceaccount:default:robot" }));
  const denied = await post(`${sim.url}/sim/v1/advance?by=1s`, { headers: { Authorization: `Bearer ${robot}` } });
  assert.equal(denied.status, 403);
  assert.equal(
    ((await denied.json()) as { message: string }).message,
    'forbidden: User "system:serviceaccount:default:robot" cannot post path "/sim/v1/advance"',
  );
  const unknown = await fetch(`${sim.url}/sim/v1/time`, { headers: { Authorization: "Bearer nonsense" } });
  assert.equal(unknown.status, 401);
});

test("the CLI: --clock virtual --start-time, kubectl set resources, kube-sim advance, and the new pod runs", async (t) => {
  const missing = await kubectlMissing();
  if (missing) return t.skip(missing);
  const dir = await mkdtemp(join(tmpdir(), "kube-sim-cli-"));
  const kubeconfig = join(dir, "kubeconfig");
  const server = spawnTracked(
    process.execPath,
    [...NODE_ARGS, "--clock", "virtual", "--scenario", "oom-crashloop", "--start-time", "2026-06-01T12:00:00Z", "--kubeconfig", kubeconfig],
    { cwd: ROOT, name: "kube-sim" },
  );
  t.after(async () => {
    await server.stop("SIGTERM", 5_000);
    await rm(dir, { recursive: true, force: true });
  });
  const listening = JSON.parse(await server.waitForLine(/kube-sim listening/, 60_000)) as { url: string; clock: string; startedAt: string };
  assert.equal(listening.clock, "virtual");
  assert.equal(listening.startedAt, "2026-06-01T12:00:00Z");
  const kubectl = async (...args: string[]): Promise<string> =>
    (await run("kubectl", ["--kubeconfig", kubeconfig, "--cache-dir", join(dir, "cache"), ...args], { env: { ...process.env, HOME: dir } }))
      .stdout;

  const before = await cli("time", "--server", listening.url);
  assert.equal(before.code, 0, before.stderr);
  assert.match(before.stdout, /^2026-06-01T12:0\d:\d\dZ \(virtual clock, started at 2026-06-01T12:00:00Z\)\n$/, "after the warm-up");

  await kubectl("-n", "shop", "set", "resources", "deployment/payments-api", "--limits=memory=768Mi");
  const creating = await kubectl("-n", "shop", "get", "pods", "--no-headers");
  assert.match(creating, /ContainerCreating/, "the new pod waits for time to move");

  const advanced = await cli("advance", "2m", "--kubeconfig", kubeconfig);
  assert.equal(advanced.code, 0, advanced.stderr);
  assert.match(advanced.stdout, /^advanced 2m: now 2026-06-01T12:\d\d:\d\dZ \(virtual clock, started at 2026-06-01T12:00:00Z\)\n$/);
  assert.match(await kubectl("-n", "shop", "rollout", "status", "deployment/payments-api", "--timeout=1s"), /successfully rolled out/);
  const pods = (await kubectl("-n", "shop", "get", "pods", "--no-headers")).trim().split("\n");
  const runningPods = pods.filter((l) => /\s1\/1\s+Running\s/.test(l));
  assert.ok(runningPods.length >= 2, pods.join("\n"));

  const json = await cli("time", "--server", listening.url, "-o", "json");
  assert.equal((JSON.parse(json.stdout) as TimeAnswer).mode, "virtual");
});

test("the CLI's errors say what to do next", async (t) => {
  const real = await KubeSim.start({ clock: "real" });
  t.after(() => real.stop());
  const closed = await freePort();
  // One spawned run for the exit code of a usage mistake; the messages themselves in process.
  const noServer = await cli("advance", "5m");
  assert.equal(noServer.code, 64);
  assert.match(noServer.stderr, /say which simulator: --server <url> .* or --kubeconfig <path>/);
  await assert.rejects(
    runControlCommand(["advance", "5 minutes", "--server", real.url]),
    (err: Error) => err instanceof UsageError && /invalid duration "5 minutes": use e\.g\. 30s, 5m, 1h30m or 2d/.test(err.message),
  );
  await assert.rejects(runControlCommand(["advance", "5m", "--server", real.url]), /409 Conflict: .*start kube-sim with --clock virtual/);
  await assert.rejects(
    runControlCommand(["time", "--server", `http://127.0.0.1:${closed}`]),
    new RegExp(`cannot reach kube-sim at http://127\\.0\\.0\\.1:${closed} \\(ECONNREFUSED\\): is it running\\?`),
  );
  assert.match(await runControlCommand(["time", "--server", real.url]), /^\S+Z \(real clock, started at \S+Z\)$/);

  // Kubeconfigs over https (the simulator's self-signed certificate, verification skipped as the kubeconfig says).
  const dir = await mkdtemp(join(tmpdir(), "kube-sim-cli-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const admin = join(dir, "admin.yaml");
  await real.writeKubeconfig(admin, { tls: true });
  assert.match(await runControlCommand(["time", "--kubeconfig", admin]), /\(real clock, started at \S+Z\)$/);
  const robot = join(dir, "robot.yaml");
  await real.writeKubeconfig(robot, { user: "system:serviceaccount:default:robot" });
  await assert.rejects(
    runControlCommand(["time", "--kubeconfig", robot]),
    /^Error: 403 Forbidden: forbidden: User "system:serviceaccount:default:robot" cannot get path "\/sim\/v1\/time"$/,
  );
});

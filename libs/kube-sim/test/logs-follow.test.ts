// `logs -f` follows: the stream stays open, carries the lines simulated time produces after it started, and ends when
// the followed container exits (as the kubelet ends it), on both clocks. Issue #13 "Why": `logs -f` printed once
// and exited.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { waitFor } from "@vigil/testing";
import { KubeSim, type Pod } from "../src/index.js";
import { kubectlFor, kubectlMissing } from "./kubectl-helpers.js";
import { nodes } from "./sim-helpers.js";

/** A pod whose app is up 5 s after start, logs two lines, and crashes with a last word 30 s after start. */
const chatty = (name: string, seconds = { startup: 5, crash: 30 }) => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: {
    name,
    namespace: "default",
    annotations: {
      "sim.vigil.dev/startup-seconds": String(seconds.startup),
      "sim.vigil.dev/log": "listening on :8080\nconnected to postgres",
      "sim.vigil.dev/crash-exit-code": "2",
      "sim.vigil.dev/crash-after-seconds": String(seconds.crash),
      "sim.vigil.dev/crash-log": "panic: assignment to entry in nil map",
    },
  },
  spec: { containers: [{ name: "app", image: "nginx:1.27", resources: { limits: { memory: "128Mi" } } }] },
});

const running = (sim: KubeSim, name: string): boolean =>
  sim.get<Pod>("Pod", name)?.status?.containerStatuses?.[0]?.state?.running !== undefined;

/** `kubectl logs -f` as a child process: its output so far, and its exit. */
const followWithKubectl = (kubeconfig: string, home: string, ...args: string[]) => {
  const child = spawn("kubectl", ["--kubeconfig", kubeconfig, "--cache-dir", join(home, "cache"), "logs", "-f", ...args], {
    env: { ...process.env, HOME: home },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, exited, out: () => stdout, err: () => stderr };
};

/** Reads a streamed HTTP body chunk by chunk. */
const streamOf = async (url: string) => {
  const controller = new AbortController();
  const res = await fetch(url, { signal: controller.signal });
  assert.equal(res.status, 200);
  const reader = res.body!.getReader();
  let text = "";
  let ended = false;
  const pump = (async () => {
    const decoder = new TextDecoder();
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        text += decoder.decode(value, { stream: true });
      }
      ended = true;
    } catch {
      // aborted by the test
    }
  })();
  return { text: () => text, ended: () => ended, pump, abort: () => controller.abort() };
};

test("kubectl logs -f prints lines that appear after it started, and exits when the container stops (virtual clock)", async (t) => {
  const missing = await kubectlMissing();
  if (missing) return t.skip(missing);
  const sim = await KubeSim.start();
  const kubectl = await kubectlFor(sim);
  t.after(async () => {
    await sim.stop();
    await kubectl.close();
  });
  sim.load([...nodes(1), chatty("web")] as never);
  await sim.advance("2s");
  assert.ok(running(sim, "web"), "the container runs, its app not up yet");

  // -v=6 logs the response status once the headers arrive: then kubectl holds the stream open, with nothing in it yet.
  const follow = followWithKubectl(kubectl.kubeconfig, kubectl.dir, "-v=6", "web");
  t.after(() => void follow.child.kill());
  await waitFor(() => /\/log\?\S*follow=true.*200 OK/.test(follow.err()), {
    timeoutMs: 20_000,
    message: "kubectl never opened the stream",
  });
  assert.equal(follow.out(), "", "the app has logged nothing yet");
  await sim.advance("5s");
  await waitFor(() => follow.out().includes("connected to postgres"), {
    timeoutMs: 20_000,
    message: "kubectl logs -f never printed the lines logged after it started",
  });
  assert.equal(follow.child.exitCode, null, "kubectl is still following while the container runs");
  assert.equal(follow.out(), "listening on :8080\nconnected to postgres\n");

  await sim.advance("30s");
  const code = await follow.exited;
  assert.equal(code, 0, follow.err().slice(-2000));
  assert.equal(follow.out(), "listening on :8080\nconnected to postgres\npanic: assignment to entry in nil map\n");
});

test("kubectl logs -f follows on the real clock, then exits when the container crashes", async (t) => {
  const missing = await kubectlMissing();
  if (missing) return t.skip(missing);
  const sim = await KubeSim.start({ clock: "real", tickMs: 100 });
  const kubectl = await kubectlFor(sim);
  t.after(async () => {
    await sim.stop();
    await kubectl.close();
  });
  sim.load([...nodes(1), chatty("api", { startup: 2, crash: 4 })] as never);
  await waitFor(() => running(sim, "api"), { timeoutMs: 30_000, message: "the container never started" });
  const follow = followWithKubectl(kubectl.kubeconfig, kubectl.dir, "api");
  t.after(() => void follow.child.kill());
  const code = await Promise.race([
    follow.exited,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`kubectl logs -f still running: ${follow.out()}`)), 30_000).unref(),
    ),
  ]);
  assert.equal(code, 0, follow.err());
  assert.equal(follow.out(), "listening on :8080\nconnected to postgres\npanic: assignment to entry in nil map\n");
});

test("follow honours tailLines and timestamps for what is there, then streams every new line, and ends on exit", async (t) => {
  const sim = await KubeSim.start({ startTime: "2026-03-01T00:00:00Z" });
  t.after(() => sim.stop());
  sim.load([...nodes(1), chatty("web")] as never);
  await sim.advance("6s");
  const stream = await streamOf(`${sim.url}/api/v1/namespaces/default/pods/web/log?follow=true&tailLines=1&timestamps=true`);
  t.after(() => stream.abort());
  await waitFor(() => stream.text().length > 0, { message: "no first chunk" });
  assert.match(stream.text(), /^2026-03-01T00:00:0\d\.\d{9}Z connected to postgres\n$/, "tailLines=1 of what was logged");
  assert.equal(stream.ended(), false);
  await sim.advance("30s");
  await stream.pump;
  assert.equal(stream.ended(), true, "the stream ends when the container exits");
  assert.match(stream.text(), /\n2026-03-01T00:00:30\.\d{9}Z panic: assignment to entry in nil map\n$/);
});

test("follow ends at once for a container that has already exited (previous), and when the pod is deleted", async (t) => {
  const sim = await KubeSim.start();
  t.after(() => sim.stop());
  sim.load([...nodes(1), chatty("web", { startup: 1, crash: 3 })] as never);
  await waitFor(async () => {
    await sim.advance("5s");
    return sim.get<Pod>("Pod", "web")?.status?.containerStatuses?.[0]?.lastState?.terminated && running(sim, "web");
  });
  const previous = await fetch(`${sim.url}/api/v1/namespaces/default/pods/web/log?follow=true&previous=true`);
  assert.equal(await previous.text(), "listening on :8080\nconnected to postgres\npanic: assignment to entry in nil map\n");

  const stream = await streamOf(`${sim.url}/api/v1/namespaces/default/pods/web/log?follow=true`);
  t.after(() => stream.abort());
  assert.equal(stream.ended(), false);
  sim.delete("Pod", "web");
  await sim.advance("35s");
  await stream.pump;
  assert.equal(stream.ended(), true, "deleting the pod ends the stream");
});

test("a waiting container refuses to be followed with the kubelet's message", async (t) => {
  const sim = await KubeSim.start();
  t.after(() => sim.stop());
  sim.load([...nodes(1), chatty("web")] as never);
  const res = await fetch(`${sim.url}/api/v1/namespaces/default/pods/web/log?follow=true`);
  assert.equal(res.status, 400);
  assert.match(((await res.json()) as { message: string }).message, /container "app" in pod "web" is waiting to start: ContainerCreating/);
});

// Field validation as kube-apiserver does it, through the real kubectl: an unknown field is a 400 in the API server's
// words under kubectl's default (fieldValidation=Strict), one warning per field with --validate=warn, and ignored with
// --validate=false; clients that send no directive (client-node) get the server's default, Warn.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { promisify } from "node:util";
import { KubeSim } from "../src/index.js";
import { unknownFields } from "../src/admission/strict-fields.js";

const run = promisify(execFile);
const MISSPELT = `apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: default }
spec:
  replica: 2
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      containers: [{ name: web, image: nginx, imagePullPolcy: Always }]
`;
const STRICT_ERROR =
  'Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.replica", ' +
  'unknown field "spec.template.spec.containers[0].imagePullPolcy"';

let sim: KubeSim;
let dir: string;

const kubectl = async (args: string[], input?: string): Promise<{ code: number; stdout: string; stderr: string }> => {
  const p = run("kubectl", ["--kubeconfig", join(dir, "kubeconfig"), ...args], { timeout: 30_000 });
  if (input !== undefined) p.child.stdin?.end(input);
  return p.then(
    (r) => ({ code: 0, ...r }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );
};

before(async () => {
  sim = await KubeSim.start();
  dir = await mkdtemp(join(tmpdir(), "kube-sim-strict-"));
  await sim.writeKubeconfig(join(dir, "kubeconfig"));
});
after(async () => {
  await sim?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

test("unknownFields: paths in document order, through arrays and nested objects; known fields pass", () => {
  const obj = {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "p", labels: { any: "label" } },
    spec: { containers: [{ name: "a", image: "b", env: [{ name: "X", valu: "1" }] }], hostPid: true },
  };
  assert.deepEqual(unknownFields("", "v1", "Pod", obj), ["spec.containers[0].env[0].valu", "spec.hostPid"]);
  assert.deepEqual(unknownFields("", "v1", "Pod", { ...obj, spec: { containers: [{ name: "a", image: "b" }], hostPID: true } }), []);
});

test("kubectl create, apply and replace: an unknown field is refused with the API server's 400", async () => {
  for (const [verb, what] of [
    ["create", "creating"],
    ["apply", "creating"],
  ] as const) {
    const r = await kubectl([verb, "-f", "-"], MISSPELT);
    assert.equal(r.code, 1, verb);
    assert.equal(r.stderr.trim(), `Error from server (BadRequest): error when ${what} "STDIN": ${STRICT_ERROR}`);
  }
  assert.equal(sim.get("Deployment", "web", "default"), undefined, "nothing was created");
  await kubectl(["create", "deployment", "web", "--image=nginx"]);
  const r = await kubectl(["replace", "-f", "-"], MISSPELT);
  assert.equal(r.stderr.trim(), `Error from server (BadRequest): error when replacing "STDIN": ${STRICT_ERROR}`);
  await kubectl(["delete", "deployment", "web", "--wait=false"]);
});

test("--validate=warn creates with a warning per unknown field; --validate=false silently", async () => {
  const warned = await kubectl(["create", "--validate=warn", "-f", "-"], MISSPELT.replace("name: web,", "name: warned,"));
  assert.equal(warned.code, 0, warned.stderr);
  assert.deepEqual(warned.stderr.trim().split("\n"), [
    'Warning: unknown field "spec.replica"',
    'Warning: unknown field "spec.template.spec.containers[0].imagePullPolcy"',
  ]);
  const ignored = await kubectl(["create", "--validate=false", "-f", "-"], MISSPELT.replace("name: web,", "name: ignored,"));
  assert.equal(ignored.code, 0, ignored.stderr);
  assert.equal(ignored.stderr.trim(), "");
  assert.ok(sim.get("Deployment", "ignored", "default"));
});

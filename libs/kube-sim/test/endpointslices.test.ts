// The EndpointSlice controller: discovery.k8s.io/v1 slices per selecting Service, kept in step with its pods, as
// kube-controller-manager's endpointslice controller writes them and `kubectl get endpointslices` prints them.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import type { KubeObject, KubeSim, Pod } from "../src/index.js";
import { desiredSlices } from "../src/controllers/endpointslice.js";
import { R } from "../src/api/resources.js";
import { deployment, nodes, startSim } from "./sim-helpers.js";
import { kubectlFor, kubectlMissing, type Kubectl } from "./kubectl-helpers.js";

let sim: KubeSim;
let kubectl: Kubectl | undefined;
let missing: string | undefined;

const service = (name: string, selector: Record<string, string>, ports = [{ name: "http", port: 80, targetPort: 8080 }]) => ({
  apiVersion: "v1",
  kind: "Service",
  metadata: { name, namespace: "default", labels: { team: "shop" } },
  spec: { selector, ports },
});

const slicesOf = (svc: string): KubeObject[] =>
  sim.cluster.list(R.endpointslices, "default").filter((s) => s.metadata.labels?.["kubernetes.io/service-name"] === svc);

before(async () => {
  missing = await kubectlMissing();
  sim = await startSim();
  const zoned = nodes(2).map((n, i) => ({
    ...n,
    metadata: { ...n.metadata, labels: { "topology.kubernetes.io/zone": `eu-west-1${"ab"[i]}` } },
  }));
  sim.load(zoned);
  if (!missing) kubectl = await kubectlFor(sim);
});
after(async () => {
  await kubectl?.close();
  await sim.stop();
});

test("a Service gets a managed slice listing its ready pods with conditions, node, zone and targetRef", async () => {
  sim.load([deployment("web", { replicas: 2 }), service("web", { app: "web" })]);
  await sim.advance("1m");
  const [slice, ...more] = slicesOf("web");
  assert.ok(slice, "one slice for the Service");
  assert.equal(more.length, 0);
  const svc = sim.get("Service", "web", "default")!;
  assert.match(slice.metadata.name!, /^web-[a-z0-9]{5}$/);
  assert.equal(slice.apiVersion, "discovery.k8s.io/v1");
  assert.equal(slice.addressType, "IPv4");
  assert.equal(slice.metadata.labels!["endpointslice.kubernetes.io/managed-by"], "endpointslice-controller.k8s.io");
  assert.equal(slice.metadata.labels!.team, "shop", "the Service's labels are copied");
  assert.deepEqual(slice.metadata.ownerReferences, [
    { apiVersion: "v1", kind: "Service", name: "web", uid: svc.metadata.uid, controller: true, blockOwnerDeletion: true },
  ]);
  assert.deepEqual(slice.ports, [{ name: "http", port: 8080, protocol: "TCP" }]);
  const pods = sim.list<Pod>("Pod", "default").filter((p) => p.metadata.labels?.app === "web");
  const endpoints = slice.endpoints as Array<Record<string, any>>;
  assert.equal(endpoints.length, 2);
  for (const e of endpoints) {
    const pod = pods.find((p) => p.metadata.name === e.targetRef.name)!;
    assert.deepEqual(e.addresses, [pod.status!.podIP]);
    assert.deepEqual(e.conditions, { ready: true, serving: true, terminating: false });
    assert.equal(e.nodeName, pod.spec.nodeName);
    assert.equal(e.zone, pod.spec.nodeName === "worker-1" ? "eu-west-1a" : "eu-west-1b");
    assert.deepEqual(e.targetRef, { kind: "Pod", namespace: "default", name: pod.metadata.name, uid: pod.metadata.uid });
  }
  // The slice follows the Endpoints object: same addresses.
  const ep = sim.get("Endpoints", "web", "default")!;
  const epIps = (ep.subsets as Array<{ addresses: Array<{ ip: string }> }>).flatMap((s) => s.addresses.map((a) => a.ip)).sort();
  assert.deepEqual(endpoints.map((e) => e.addresses[0]).sort(), epIps);
});

test("scaling and deleting the Service keep the slice in step", async () => {
  const name = slicesOf("web")[0]!.metadata.name;
  sim.patch("Deployment", "web", { spec: { replicas: 3 } }, { namespace: "default" });
  await sim.advance("1m");
  assert.equal(slicesOf("web")[0]!.metadata.name, name, "the slice is updated in place, not replaced");
  assert.equal((slicesOf("web")[0]!.endpoints as unknown[]).length, 3);
  sim.load([service("nobody", { app: "nothing" })]);
  await sim.advance("1s");
  const [placeholder] = slicesOf("nobody");
  assert.ok(placeholder, "a Service selecting nothing gets an empty slice");
  assert.deepEqual(placeholder.endpoints, []);
  assert.equal(placeholder.ports, undefined);
  sim.delete("Service", "nobody", "default");
  await sim.advance("1s");
  assert.equal(slicesOf("nobody").length, 0);
});

test("kubectl get endpointslices prints NAME ADDRESSTYPE PORTS ENDPOINTS AGE", async (t) => {
  if (missing || !kubectl) return t.skip(missing ?? "kubectl missing");
  const out = await kubectl("get", "endpointslices", "-l", "kubernetes.io/service-name=web");
  assert.match(out, /^NAME\s+ADDRESSTYPE\s+PORTS\s+ENDPOINTS\s+AGE$/m);
  assert.match(out, /^web-[a-z0-9]{5}\s+IPv4\s+8080\s+[\d.]+,[\d.]+,[\d.]+\s+\S+$/m);
  const json = JSON.parse(await kubectl("get", "endpointslices.discovery.k8s.io", "-o", "json")) as { items: KubeObject[] };
  assert.ok(json.items.some((s) => s.metadata.labels?.["kubernetes.io/service-name"] === "web"));
});

test("terminating and unready pods stay listed with their conditions; terminal pods and pods without IPs do not", () => {
  const svc = { apiVersion: "v1", kind: "Service", metadata: { name: "api", namespace: "default" }, spec: { ports: [{ port: 80 }] } };
  const pod = (name: string, ready: boolean, extra: Partial<Pod["metadata"]> = {}, phase = "Running", ip = "10.0.0.1"): Pod =>
    ({
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name, namespace: "default", uid: `uid-${name}`, ...extra },
      spec: { nodeName: "worker-1", containers: [{ name: "c", image: "x" }] },
      status: { phase, ...(ip ? { podIP: ip } : {}), conditions: [{ type: "Ready", status: ready ? "True" : "False" }] },
    }) as Pod;
  const [slice] = desiredSlices(
    svc,
    [
      pod("a-ready", true),
      pod("b-unready", false),
      pod("c-terminating", true, { deletionTimestamp: "2026-01-01T00:00:00Z" }),
      pod("d-done", false, {}, "Succeeded"),
      pod("e-no-ip", true, {}, "Pending", ""),
    ],
    () => "zone-a",
  );
  assert.deepEqual(
    slice!.endpoints.map((e) => [e.targetRef.name, e.conditions]),
    [
      ["a-ready", { ready: true, serving: true, terminating: false }],
      ["b-unready", { ready: false, serving: false, terminating: false }],
      ["c-terminating", { ready: false, serving: true, terminating: true }],
    ],
  );
  assert.deepEqual(slice!.ports, [{ name: "", port: 80, protocol: "TCP" }]);
});

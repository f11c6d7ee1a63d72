// /openapi/v2, served as gnostic protobuf: what kubectl 1.27 and 1.28 need for `create` (validation) and client-side
// `apply` (strategic merge patch by merge key). Before it existed both failed with "the server could not find the
// requested resource".
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import type { KubeSim } from "../src/index.js";
import { nodes, startSim } from "./sim-helpers.js";
import { kubectlBinary, kubectlFor, kubectlMissing } from "./kubectl-helpers.js";
import { generatedFields, generatedKinds } from "./openapi-v2-models.gen.js";
import { KIND_DEFINITIONS, MODEL_FIELDS } from "../src/api/openapi-v2-models.js";

let sim: KubeSim;

before(async () => {
  sim = await startSim();
  sim.load(nodes(2));
});
after(() => sim.stop());

const manifest = (name: string, opts: { replicas: number; image: string; ports: number[] }) => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name, namespace: "default" },
  spec: {
    replicas: opts.replicas,
    selector: { matchLabels: { app: name } },
    template: {
      metadata: { labels: { app: name } },
      spec: {
        containers: [
          {
            name: "app",
            image: opts.image,
            ports: opts.ports.map((containerPort) => ({ containerPort })),
            env: [{ name: "MODE", value: "prod" }],
          },
        ],
      },
    },
  },
});

for (const minor of [27, 28]) {
  test(`kubectl 1.${minor}: create validates, apply creates and re-applies with a strategic merge by key`, async (t) => {
    const binary = kubectlBinary(minor);
    const missing = binary ? await kubectlMissing(binary) : `kubectl.1.${minor} is not installed`;
    if (missing) return t.skip(missing);
    const kubectl = await kubectlFor(sim, { binary: binary! });
    try {
      // create without --validate=false: kubectl reads /openapi/v2 to learn the server validates fields itself.
      assert.match(await kubectl.apply(manifest(`created-${minor}`, { replicas: 1, image: "nginx:1.27", ports: [80] })), /created/);
      const name = `applied-${minor}`;
      assert.match(
        await kubectl.apply(manifest(name, { replicas: 1, image: "nginx:1.27", ports: [80] }), "apply"),
        /deployment\.apps\/.* created/,
      );
      // Another writer adds an env var the manifest does not mention: a merge by name must keep it.
      sim.patch(
        "Deployment",
        name,
        { spec: { template: { spec: { containers: [{ name: "app", env: [{ name: "INJECTED", value: "yes" }] }] } } } },
        { namespace: "default" },
      );
      const out = await kubectl.apply(manifest(name, { replicas: 3, image: "nginx:1.28", ports: [80, 443] }), "apply");
      assert.match(out, /deployment\.apps\/.* configured/);
      const d = sim.get("Deployment", name, "default")!;
      const c = d.spec.template.spec.containers[0];
      assert.equal(d.spec.replicas, 3);
      assert.equal(c.image, "nginx:1.28");
      assert.deepEqual(
        c.ports.map((p: { containerPort: number }) => p.containerPort),
        [80, 443],
      );
      assert.deepEqual(c.env.map((e: { name: string }) => e.name).sort(), ["INJECTED", "MODE"]);
      // The schemas themselves arrive over protobuf: explain reads them from OpenAPI v2.
      const explain = await kubectl("explain", "deployment.spec.template.spec.containers.env", "--output=plaintext-openapiv2");
      assert.match(explain, /RESOURCE: env <\[\]Object>/);
      assert.match(explain, /valueFrom\s+<Object>/);
    } finally {
      await kubectl.close();
    }
  });
}

test("/openapi/v2 as JSON carries the kinds' GVKs and patch merge keys; protobuf is served on request", async () => {
  const doc = (await (await fetch(`${sim.url}/openapi/v2`, { headers: { accept: "application/json" } })).json()) as {
    swagger: string;
    paths: Record<string, { patch?: Record<string, unknown> }>;
    definitions: Record<string, { properties: Record<string, Record<string, unknown>>; [k: string]: unknown }>;
  };
  assert.equal(doc.swagger, "2.0");
  assert.deepEqual(doc.definitions["io.k8s.api.apps.v1.Deployment"]!["x-kubernetes-group-version-kind"], [
    { group: "apps", kind: "Deployment", version: "v1" },
  ]);
  const container = doc.definitions["io.k8s.api.core.v1.Container"]!.properties;
  assert.equal(container.env!["x-kubernetes-patch-merge-key"], "name");
  assert.equal(container.ports!["x-kubernetes-patch-merge-key"], "containerPort");
  assert.equal(container.volumeMounts!["x-kubernetes-patch-merge-key"], "mountPath");
  assert.equal(doc.definitions["io.k8s.api.core.v1.PodSpec"]!.properties.volumes!["x-kubernetes-patch-strategy"], "merge,retainKeys");
  const patch = doc.paths["/api/v1/namespaces/{namespace}/pods/{name}"]!.patch!;
  assert.deepEqual(patch["x-kubernetes-group-version-kind"], { group: "", kind: "Pod", version: "v1" });
  assert.ok((patch.parameters as Array<{ name: string }>).some((p) => p.name === "fieldValidation"));
  const pb = await fetch(`${sim.url}/openapi/v2`, { headers: { accept: "application/com.github.proto-openapi.spec.v2@v1.0+protobuf" } });
  assert.equal(pb.headers.get("content-type"), "application/com.github.proto-openapi.spec.v2.v1.0+protobuf");
  const bytes = new Uint8Array(await pb.arrayBuffer());
  // Document.swagger (field 1, length-delimited) comes first.
  assert.deepEqual([...bytes.slice(0, 5)], [0x0a, 3, ...Buffer.from("2.0")]);
});

test("the checked-in definitions cover every served kind, as @kubernetes/client-node's models have them", () => {
  // Fails after a kind is added to resources.ts until test/openapi-v2-models.gen.ts is rerun.
  assert.deepEqual(KIND_DEFINITIONS, generatedKinds);
  assert.deepEqual(MODEL_FIELDS, generatedFields);
});

// The index's memory of what went, driven with explicit clocks (the API-driven paths are in kubernetes.test.ts).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { V1Pod } from "@kubernetes/client-node";
import { parseContainerId, PodIndex } from "../src/index.js";

const A = "a".repeat(64);
const B = "b".repeat(64);
const C = "c".repeat(64);

function pod(uid: string, name: string, ids: { current?: string; last?: string } = {}, extra: Partial<V1Pod["metadata"]> = {}): V1Pod {
  return {
    metadata: { uid, name, namespace: "ns", resourceVersion: String(Math.random()), ...extra },
    status: {
      qosClass: "Burstable",
      containerStatuses: [
        {
          name: "app",
          image: "x",
          imageID: "",
          ready: true,
          restartCount: 0,
          ...(ids.current ? { containerID: `containerd://${ids.current}` } : {}),
          ...(ids.last
            ? { lastState: { terminated: { exitCode: 137, reason: "OOMKilled", containerID: `containerd://${ids.last}` } } }
            : {}),
        },
      ],
    },
  };
}

describe("PodIndex", () => {
  it("parses runtime-prefixed container ids", () => {
    assert.deepEqual(parseContainerId(`containerd://${A}`), { id: A, runtime: "containerd" });
    assert.deepEqual(parseContainerId(`cri-o://${A}`), { id: A, runtime: "cri-o" });
    assert.deepEqual(parseContainerId(`docker://${A}`), { id: A, runtime: "docker" });
    assert.deepEqual(parseContainerId(`other://${A}`), { id: A });
    assert.equal(parseContainerId(""), undefined);
    assert.equal(parseContainerId("containerd://"), undefined);
  });

  it("keeps a replaced container id for retainMs after it left the status, then forgets it", () => {
    const index = new PodIndex(1_000);
    index.upsert(pod("u1", "web", { current: A }), 0);
    index.upsert(pod("u1", "web", { current: B, last: A }), 100); // restarted: A in lastState
    assert.equal(index.container(A)?.goneAt, undefined, "lastState ids are current");
    index.upsert(pod("u1", "web", { current: C, last: B }), 200); // restarted again: A left the status
    assert.equal(index.container(A)?.goneAt, 200);
    assert.equal(index.container(A)?.name, "app");
    index.prune(1_199);
    assert.ok(index.container(A), "still within retainMs");
    index.prune(1_200);
    assert.equal(index.container(A), undefined);
    assert.deepEqual(index.stats(), { pods: 1, containers: 2, gonePods: 0, goneContainers: 0 });
  });

  it("keeps a deleted pod and its containers for retainMs; a pod that comes back is live again", () => {
    const index = new PodIndex(1_000);
    index.upsert(pod("u1", "web", { current: A }), 0);
    index.remove(pod("u1", "web", { current: A }), 500);
    assert.equal(index.pod("u1")?.name, "web");
    assert.equal(index.container(A)?.podUid, "u1");
    assert.deepEqual(index.stats(), { pods: 0, containers: 0, gonePods: 1, goneContainers: 1 });
    index.prune(1_499);
    assert.ok(index.pod("u1"));
    index.prune(1_500);
    assert.equal(index.pod("u1"), undefined);
    assert.equal(index.container(A), undefined);

    index.upsert(pod("u2", "api", { current: B }), 2_000);
    index.remove(pod("u2", "api"), 2_100);
    index.upsert(pod("u2", "api", { current: B }), 2_200); // back (it moved out of and into the selector)
    index.prune(10_000);
    assert.equal(index.pod("u2")?.goneAt, undefined, "the old expiry does not apply to the revived pod");
    assert.equal(index.container(B)?.goneAt, undefined);
  });

  it("a relist removes pods it does not contain", () => {
    const index = new PodIndex();
    index.replaceAll([pod("u1", "a", { current: A }), pod("u2", "b", { current: B })], 0);
    const version = index.version;
    index.replaceAll([pod("u2", "b", { current: B })], 10);
    assert.equal(index.pod("u1")?.goneAt, 10);
    assert.equal(index.pod("u2")?.goneAt, undefined);
    assert.ok(index.version > version);
  });

  it("finds static pods by their config hash and short ids by unique prefix", () => {
    const index = new PodIndex();
    const hash = "0123456789abcdef0123456789abcdef";
    index.upsert(pod("api-uid", "kube-apiserver-n1", { current: A }, { annotations: { "kubernetes.io/config.mirror": hash } }));
    assert.equal(index.pod(hash)?.name, "kube-apiserver-n1");
    assert.equal(index.container(A.slice(0, 12))?.id, A);
    index.upsert(pod("u3", "x", { current: "a".repeat(12) + "f".repeat(52) }));
    assert.equal(index.container(A.slice(0, 12)), undefined, "ambiguous prefix");
  });
});

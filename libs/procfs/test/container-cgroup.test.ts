// Which cgroup directories are a container's own (the cgroup tracer's container_start/exit), over parseCgroupPath.
import assert from "node:assert/strict";
import { test } from "node:test";
import { containerOfCgroup, podUidOfCgroup } from "../src/index.js";

const ID = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
const UID = "4020809f-e87f-4079-b083-0ea1668b33bc";
const UID_ = UID.replaceAll("-", "_");

test("container cgroups: systemd scopes and cgroupfs ids, relative to the hierarchy root", () => {
  assert.deepEqual(
    containerOfCgroup(`/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${UID_}.slice/cri-containerd-${ID}.scope`),
    {
      containerId: ID,
      podUid: UID,
      runtime: "containerd",
    },
  );
  assert.deepEqual(containerOfCgroup(`/kubepods.slice/kubepods-pod${UID_}.slice/crio-${ID}.scope`), {
    containerId: ID,
    podUid: UID,
    runtime: "cri-o",
  });
  assert.deepEqual(containerOfCgroup(`/system.slice/docker-${ID}.scope`), { containerId: ID, runtime: "docker" });
  // cgroupfs driver: a bare id does not say its runtime; CRI-O's prefix does.
  assert.deepEqual(containerOfCgroup(`/kubepods/burstable/pod${UID}/${ID}`), { containerId: ID, podUid: UID });
  assert.deepEqual(containerOfCgroup(`/kubepods/pod${UID}/${ID}`), { containerId: ID, podUid: UID });
  assert.deepEqual(containerOfCgroup(`/kubepods/besteffort/pod${UID}/crio-${ID}`), { containerId: ID, podUid: UID, runtime: "cri-o" });
  assert.deepEqual(containerOfCgroup(`/docker/${ID}`), { containerId: ID, runtime: "docker" });
  // Static pods have a 32-hex UID.
  assert.equal(
    containerOfCgroup(`/kubepods/burstable/pod0123456789abcdef0123456789abcdef/${ID}`)?.podUid,
    "0123456789abcdef0123456789abcdef",
  );
  // A node that is itself a container (kind): the pod's container, not the node's.
  assert.deepEqual(containerOfCgroup(`/docker/${"aa".repeat(32)}/kubepods/pod${UID}/${ID}`), { containerId: ID, podUid: UID });
});

test("not containers: slices, pods, services, runtime helpers, cgroups nested in a container", () => {
  for (const path of [
    "/",
    "/kubepods.slice",
    "/kubepods.slice/kubepods-burstable.slice",
    `/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${UID_}.slice`,
    `/kubepods/burstable/pod${UID}`,
    "/system.slice/containerd.service",
    "/user.slice/user-0.slice/session-1.scope",
    `/kubepods.slice/kubepods-pod${UID_}.slice/crio-conmon-${ID}.scope`,
    `/kubepods.slice/kubepods-pod${UID_}.slice/crio-${ID}.scope/container`,
    `/some/other/${ID}`,
    `/kubepods/burstable/pod${UID}/${ID.slice(0, 63)}`,
  ]) {
    assert.equal(containerOfCgroup(path), undefined, path);
  }
  assert.equal(podUidOfCgroup(`/kubepods/burstable/pod${UID}`), UID);
  assert.equal(podUidOfCgroup(`/kubepods.slice/kubepods-pod${UID_}.slice/crio-${ID}.scope/container`), UID, "anywhere below the pod");
  assert.equal(podUidOfCgroup("/system.slice/podman.service"), undefined);
});

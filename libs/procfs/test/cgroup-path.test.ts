// Kubernetes cgroup paths taken apart (pod uid, QoS, container id): the one parser, used by enrich and tracers.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { cgroupAncestors, normalizeCgroupPath, parseCgroupPath, type ParsedCgroup } from "../src/index.js";

const UID = "3c6b0f2e-5a1d-4c2e-9f5b-0e8d7c6b5a41";
const U_ = UID.replaceAll("-", "_");
const ID = "4f1c2e8b9a7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a3928170615243a";
const NODE_ID = "aa".repeat(32); // a kind/k3d node container's own id
const STATIC = "6e5f8a4b1c2d3e4f5a6b7c8d9e0f1a2b";

const BURSTABLE_SD = `/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${U_}.slice`;
const GUARANTEED_SD = `/kubepods.slice/kubepods-pod${U_}.slice`;
const BESTEFFORT_SD = `/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod${U_}.slice`;

/** The fields that matter, so each case reads as one line of expectations. */
const summary = (p: ParsedCgroup) => ({
  level: p.level,
  ...(p.podUid ? { podUid: p.podUid } : {}),
  ...(p.qos ? { qos: p.qos } : {}),
  ...(p.containerId ? { containerId: p.containerId } : {}),
  ...(p.runtime ? { runtime: p.runtime } : {}),
  ...(p.conmon ? { conmon: p.conmon } : {}),
});

describe("parseCgroupPath: container cgroups", () => {
  const cases: Array<[string, string, ReturnType<typeof summary>]> = [
    [
      "containerd, systemd driver, Burstable",
      `${BURSTABLE_SD}/cri-containerd-${ID}.scope`,
      { level: "container", podUid: UID, qos: "Burstable", containerId: ID, runtime: "containerd" },
    ],
    [
      "containerd, systemd driver, Guaranteed (directly under kubepods)",
      `${GUARANTEED_SD}/cri-containerd-${ID}.scope`,
      { level: "container", podUid: UID, qos: "Guaranteed", containerId: ID, runtime: "containerd" },
    ],
    [
      "containerd, systemd driver, BestEffort",
      `${BESTEFFORT_SD}/cri-containerd-${ID}.scope`,
      { level: "container", podUid: UID, qos: "BestEffort", containerId: ID, runtime: "containerd" },
    ],
    [
      "CRI-O, systemd driver",
      `${BURSTABLE_SD}/crio-${ID}.scope`,
      { level: "container", podUid: UID, qos: "Burstable", containerId: ID, runtime: "cri-o" },
    ],
    [
      "CRI-O conmon, systemd driver: same container, marked",
      `${BURSTABLE_SD}/crio-conmon-${ID}.scope`,
      { level: "container", podUid: UID, qos: "Burstable", containerId: ID, runtime: "cri-o", conmon: true },
    ],
    [
      "CRI-O with crun on v2: a 'container' cgroup below the scope",
      `${GUARANTEED_SD}/crio-${ID}.scope/container`,
      { level: "container", podUid: UID, qos: "Guaranteed", containerId: ID, runtime: "cri-o" },
    ],
    [
      "docker (dockershim / cri-dockerd), systemd driver",
      `${BESTEFFORT_SD}/docker-${ID}.scope`,
      { level: "container", podUid: UID, qos: "BestEffort", containerId: ID, runtime: "docker" },
    ],
    [
      "cgroupfs driver, Burstable, bare id",
      `/kubepods/burstable/pod${UID}/${ID}`,
      { level: "container", podUid: UID, qos: "Burstable", containerId: ID },
    ],
    [
      "cgroupfs driver, BestEffort",
      `/kubepods/besteffort/pod${UID}/${ID}`,
      { level: "container", podUid: UID, qos: "BestEffort", containerId: ID },
    ],
    ["cgroupfs driver, Guaranteed", `/kubepods/pod${UID}/${ID}`, { level: "container", podUid: UID, qos: "Guaranteed", containerId: ID }],
    [
      "CRI-O, cgroupfs driver (no .scope)",
      `/kubepods/burstable/pod${UID}/crio-${ID}`,
      { level: "container", podUid: UID, qos: "Burstable", containerId: ID, runtime: "cri-o" },
    ],
    [
      "CRI-O conmon, cgroupfs driver",
      `/kubepods/pod${UID}/crio-conmon-${ID}`,
      { level: "container", podUid: UID, qos: "Guaranteed", containerId: ID, runtime: "cri-o", conmon: true },
    ],
    [
      "static pod: the config hash is the uid",
      `/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${STATIC}.slice/cri-containerd-${ID}.scope`,
      { level: "container", podUid: STATIC, qos: "Burstable", containerId: ID, runtime: "containerd" },
    ],
    [
      "kind node (kubelet --cgroup-root=/kubelet, systemd)",
      `/kubelet.slice/kubelet-kubepods.slice/kubelet-kubepods-besteffort.slice/kubelet-kubepods-besteffort-pod${U_}.slice/cri-containerd-${ID}.scope`,
      { level: "container", podUid: UID, qos: "BestEffort", containerId: ID, runtime: "containerd" },
    ],
    [
      "kind node, Guaranteed",
      `/kubelet.slice/kubelet-kubepods.slice/kubelet-kubepods-pod${U_}.slice/cri-containerd-${ID}.scope`,
      { level: "container", podUid: UID, qos: "Guaranteed", containerId: ID, runtime: "containerd" },
    ],
    [
      "kind seen from the host: the node container's docker scope is not the container",
      `/system.slice/docker-${NODE_ID}.scope/kubelet.slice/kubelet-kubepods.slice/kubelet-kubepods-burstable.slice/kubelet-kubepods-burstable-pod${U_}.slice/cri-containerd-${ID}.scope`,
      { level: "container", podUid: UID, qos: "Burstable", containerId: ID, runtime: "containerd" },
    ],
    [
      "k3d / old kind (cgroupfs inside a docker container)",
      `/docker/${NODE_ID}/kubepods/besteffort/pod${UID}/${ID}`,
      { level: "container", podUid: UID, qos: "BestEffort", containerId: ID },
    ],
    ["k3s cgroupfs on v1", `/kubepods/burstable/pod${UID}/${ID}`, { level: "container", podUid: UID, qos: "Burstable", containerId: ID }],
    [
      "read from another cgroup namespace (/proc/<pid>/cgroup in a container)",
      `/../../kubepods-burstable-pod${U_}.slice/cri-containerd-${ID}.scope`,
      { level: "container", podUid: UID, qos: "Burstable", containerId: ID, runtime: "containerd" },
    ],
    ["cgroupfs seen across a namespace boundary: QoS unknown", `/../pod${UID}/${ID}`, { level: "container", podUid: UID, containerId: ID }],
  ];
  for (const [name, path, expected] of cases) {
    it(name, () => assert.deepEqual(summary(parseCgroupPath(path)), expected));
  }
});

describe("parseCgroupPath: absolute paths and normalisation", () => {
  const rel = `/kubepods/burstable/pod${UID}/${ID}`;
  const cases: Array<[string, string, string]> = [
    ["v1 memory controller", `/sys/fs/cgroup/memory${rel}`, rel],
    ["v1 co-mounted controllers", `/sys/fs/cgroup/cpu,cpuacct${rel}`, rel],
    [
      "v1 name=systemd hierarchy",
      `/sys/fs/cgroup/systemd${BURSTABLE_SD}/cri-containerd-${ID}.scope`,
      `${BURSTABLE_SD}/cri-containerd-${ID}.scope`,
    ],
    ["v2", `/sys/fs/cgroup${BURSTABLE_SD}/cri-containerd-${ID}.scope`, `${BURSTABLE_SD}/cri-containerd-${ID}.scope`],
    ["hybrid unified", `/sys/fs/cgroup/unified${BURSTABLE_SD}`, BURSTABLE_SD],
    ["host root mounted in a container", `/host/sys/fs/cgroup/memory${rel}`, rel],
    ["duplicate and trailing slashes", `//kubepods///burstable/pod${UID}/${ID}/`, rel],
    ["surrounding whitespace (a line read from a file)", `  ${rel}\n`, rel],
    ["no leading slash", rel.slice(1), rel],
  ];
  for (const [name, input, normalized] of cases) {
    it(name, () => {
      assert.equal(normalizeCgroupPath(input), normalized);
      const p = parseCgroupPath(input);
      assert.equal(p.path, normalized);
      assert.equal(p.podUid, UID);
    });
  }
  it("the root", () => {
    assert.equal(normalizeCgroupPath("/sys/fs/cgroup"), "/");
    assert.equal(normalizeCgroupPath(""), "/");
    assert.deepEqual(summary(parseCgroupPath("/")), { level: "none" });
  });
});

describe("parseCgroupPath: pod level and above", () => {
  it("a pod cgroup without a container (a pod-level memcg OOM, or processes of the pod itself)", () => {
    for (const [path, qos] of [
      [BURSTABLE_SD, "Burstable"],
      [GUARANTEED_SD, "Guaranteed"],
      [`/kubepods/besteffort/pod${UID}`, "BestEffort"],
      [`/kubepods/pod${UID}`, "Guaranteed"],
    ] as const) {
      assert.deepEqual(summary(parseCgroupPath(path)), { level: "pod", podUid: UID, qos }, path);
    }
  });
  it("an unknown leaf below a pod gives the pod only", () => {
    assert.deepEqual(summary(parseCgroupPath(`${BURSTABLE_SD}/something-else.scope`)), { level: "pod", podUid: UID, qos: "Burstable" });
    assert.deepEqual(
      summary(parseCgroupPath(`${BURSTABLE_SD}/cri-containerd-${ID.slice(0, 12)}.scope`)),
      { level: "pod", podUid: UID, qos: "Burstable" },
      "a short id is not a cgroup name",
    );
  });
  it("records the pod, QoS and kubepods cgroups for walking up", () => {
    const p = parseCgroupPath(`${BURSTABLE_SD}/cri-containerd-${ID}.scope`);
    assert.equal(p.podCgroup, BURSTABLE_SD);
    assert.equal(p.qosCgroup, "/kubepods.slice/kubepods-burstable.slice");
    assert.equal(p.kubepodsCgroup, "/kubepods.slice");
    const g = parseCgroupPath(`/kubepods/pod${UID}/${ID}`);
    assert.equal(g.podCgroup, `/kubepods/pod${UID}`);
    assert.equal(g.qosCgroup, undefined);
    assert.equal(g.kubepodsCgroup, "/kubepods");
    const kind = parseCgroupPath(`/docker/${NODE_ID}/kubepods/burstable/pod${UID}/${ID}`);
    assert.equal(kind.kubepodsCgroup, `/docker/${NODE_ID}/kubepods`);
    assert.equal(p.containerCgroup, p.path, "the container's own cgroup");
    assert.equal(
      parseCgroupPath(`${GUARANTEED_SD}/crio-${ID}.scope/container`).containerCgroup,
      `${GUARANTEED_SD}/crio-${ID}.scope`,
      "below it",
    );
    assert.equal(g.containerCgroup, `/kubepods/pod${UID}/${ID}`);
  });
  it("QoS and kubepods levels: Kubernetes, but no pod", () => {
    assert.deepEqual(summary(parseCgroupPath("/kubepods.slice/kubepods-burstable.slice")), { level: "qos", qos: "Burstable" });
    assert.deepEqual(summary(parseCgroupPath("/kubepods/besteffort")), { level: "qos", qos: "BestEffort" });
    assert.deepEqual(summary(parseCgroupPath("/kubepods.slice")), { level: "kubepods" });
    assert.deepEqual(summary(parseCgroupPath("/kubepods")), { level: "kubepods" });
    assert.equal(parseCgroupPath("/kubepods").kubernetes, true);
  });
});

describe("parseCgroupPath: not Kubernetes", () => {
  const cases = [
    "/system.slice/sshd.service",
    "/system.slice/containerd.service",
    "/system.slice/kubelet.service",
    "/user.slice/user-1000.slice/session-3.scope",
    "/user.slice/user-1000.slice/user@1000.service/app.slice/app-podman-1234.scope",
    "/init.scope",
    `/system.slice/docker-${ID}.scope`, // a plain docker container outside Kubernetes
    `/docker/${ID}`,
    "/machine.slice/libpod-abc.scope",
    `/kubepods/burstable/podnot-a-uid/${ID}`, // pod<...> without a uid
    `/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-podxyz.slice`,
  ];
  for (const path of cases) {
    it(path, () => {
      const p = parseCgroupPath(path);
      assert.equal(p.podUid, undefined);
      assert.equal(p.containerId, undefined);
    });
  }
  it("system paths are not marked Kubernetes", () => {
    assert.equal(parseCgroupPath("/system.slice/sshd.service").kubernetes, false);
    assert.equal(parseCgroupPath("/system.slice/sshd.service").level, "none");
  });
});

describe("cgroupAncestors", () => {
  it("nearest first, root excluded", () => {
    assert.deepEqual(cgroupAncestors("/a/b/c"), ["/a/b/c", "/a/b", "/a"]);
    assert.deepEqual(cgroupAncestors("/"), []);
  });
});

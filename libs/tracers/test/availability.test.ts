// bpfAvailability() on this machine, and tracefs mounting, tried in a private mount namespace where
// tracefs has been unmounted (the host's mount stays as it is).
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { bpfAvailability, ensureTracefs } from "../src/index.js";
import { silentLog } from "./fixtures.js";

const PROBE = fileURLToPath(new URL("./tracefs-probe.ts", import.meta.url));

function inFreshMountNamespace(prefix: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  // umount may fail when tracefs was never mounted: that is the state we want anyway.
  const script = `umount /sys/kernel/tracing 2>/dev/null; umount /sys/kernel/debug/tracing 2>/dev/null; exec "$@"`;
  const node = [process.execPath, "--conditions=@vigil/source", "--import", "tsx", PROBE];
  return new Promise((resolve) => {
    execFile(
      "unshare",
      ["--mount", "--propagation", "private", "sh", "-c", script, "sh", ...prefix, ...node],
      { timeout: 60_000 },
      (error, stdout, stderr) => resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

async function canUnshare(): Promise<string | undefined> {
  if (process.geteuid?.() !== 0) return "needs root";
  const r = await new Promise<boolean>((resolve) => execFile("unshare", ["--mount", "true"], (e) => resolve(!e)));
  return r ? undefined : "cannot create a mount namespace (unshare --mount failed)";
}

test("bpfAvailability: available on this machine, or a reason", async () => {
  const a = await bpfAvailability({ log: silentLog });
  if (a.available) assert.match(a.bpftraceVersion, /bpftrace v\d/);
  else assert.ok(a.reason.length > 0);
});

test("bpfAvailability: a missing bpftrace binary is the reason", async (t) => {
  if (process.geteuid?.() !== 0) return t.skip("needs root: as another user the euid check answers before the binary is looked for");
  const a = await bpfAvailability({ bpftracePath: "/nonexistent/bpftrace", log: silentLog });
  assert.equal(a.available, false);
  assert.match(a.available ? "" : a.reason, /bpftrace is not installed/);
});

test("ensureTracefs: finds the mounted tracefs", async (t) => {
  const s = await ensureTracefs(silentLog);
  if (!s.ok) return t.skip(s.reason);
  assert.match(s.path, /tracing$/);
});

test("ensureTracefs: mounts tracefs when it is missing", async (t) => {
  const skip = await canUnshare();
  if (skip) return t.skip(skip);
  const r = await inFreshMountNamespace([]);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout) as {
    tracefs: { ok: boolean; mountedByUs?: boolean; path?: string };
    availability: { available: boolean; reason?: string };
  };
  assert.deepEqual(out.tracefs, { ok: true, path: "/sys/kernel/tracing", mountedByUs: true });
  assert.equal(out.availability.available, true, out.availability.reason);
});

test("ensureTracefs: without CAP_SYS_ADMIN the mount fails and BPF is unavailable, with the reason", async (t) => {
  const skip = await canUnshare();
  if (skip) return t.skip(skip);
  const r = await inFreshMountNamespace(["setpriv", "--bounding-set", "-sys_admin"]);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { tracefs: { ok: boolean; reason?: string }; availability: { available: boolean; reason?: string } };
  assert.equal(out.tracefs.ok, false);
  assert.match(
    out.tracefs.reason ?? "",
    /tracefs is not mounted .* mounting it at \/sys\/kernel\/tracing failed: .*permission denied.*CAP_SYS_ADMIN/s,
  );
  assert.equal(out.availability.available, false);
  assert.equal(out.availability.reason, out.tracefs.reason);
});

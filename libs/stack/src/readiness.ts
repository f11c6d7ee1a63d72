// Waiting for every service's /readyz: polls them together, and fails as soon as one exits, or at the deadline
// naming each one still not ready with what its /readyz last said and its last log lines.
import type { ServiceChild } from "./service-process.js";

export interface ReadinessTarget {
  child: ServiceChild;
  url: string;
}

const POLL_MS = 250;

async function probe(url: string): Promise<{ ok: boolean; said: string }> {
  try {
    const res = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2_000) });
    const body = (await res.text()).replace(/\s+/g, " ").slice(0, 300);
    return { ok: res.status === 200, said: `${res.status} ${body}` };
  } catch (err) {
    return { ok: false, said: `no answer (${(err as Error).message})` };
  }
}

const lastLines = (child: ServiceChild, n = 8): string =>
  child
    .tail()
    .slice(-n)
    .map((l) => `    ${l}`)
    .join("\n");

/** Resolves once every target answers 200; rejects with the details of the ones that did not, or the one that exited. */
export async function waitForReadiness(
  targets: readonly ReadinessTarget[],
  opts: { timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<void> {
  const deadline = Date.now() + (opts.timeoutMs ?? 120_000);
  const pending = new Map(targets.map((t) => [t.child.name, t]));
  const said = new Map<string, string>();
  let died: { target: ReadinessTarget; how: string } | undefined;
  for (const target of targets)
    void target.child.exited.then((info) => (died ??= { target, how: info.signal ? `signal ${info.signal}` : `code ${info.code}` }));
  while (pending.size > 0) {
    if (died)
      throw new Error(
        `${died.target.child.name} exited (${died.how}) before it was ready; its last lines:\n${lastLines(died.target.child, 15)}`,
      );
    if (opts.signal?.aborted) throw new Error("stopped while waiting for the services to be ready");
    if (Date.now() > deadline) {
      const details = [...pending.values()].map(
        (t) => `  ${t.child.name} (${t.url}/readyz: ${said.get(t.child.name) ?? "not asked yet"})\n${lastLines(t.child)}`,
      );
      throw new Error(`not ready within ${Math.round((opts.timeoutMs ?? 120_000) / 1000)} s:\n${details.join("\n")}`);
    }
    await Promise.all(
      [...pending.values()].map(async (t) => {
        const answer = await probe(t.url);
        said.set(t.child.name, answer.said);
        if (answer.ok) pending.delete(t.child.name);
      }),
    );
    if (pending.size > 0) await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

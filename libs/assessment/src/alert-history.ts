// The alerts the webhook published on vigil.alerts.firing / .resolved, kept as a timeline of episodes: one episode
// is one occurrence of an alert (fingerprint + startsAt), open until its resolved message closes it. The alert
// component reads it to tell "resolved after the action" from "firing continuously since before it" and to spot a
// re-fire. Alertmanager re-sends every firing alert of a group each group_interval and repeat_interval, and JetStream
// may redeliver, so adding is idempotent: only a new episode, a close or a re-open changes the timeline.
import type { AlertMessage, ResourceRef } from "@vigil/contracts";
import type { ClusterCache } from "@vigil/kube";
import { refBelongsTo } from "./owner-scope.js";

export interface AlertEpisode {
  fingerprint: string;
  alertname: string;
  labels: Record<string, string>;
  namespace?: string;
  target?: ResourceRef;
  /** Epoch ms (the alert's startsAt: Prometheus' activeAt). */
  startsAt: number;
  /** Resolved time (endsAt of a resolved message), epoch ms; absent while firing. */
  endsAt?: number;
  /** True when no resolved message was seen and the end is the start of the next episode of the same fingerprint. */
  endInferred?: boolean;
  /** When the webhook last received a message of this episode, epoch ms. */
  lastSeenAt: number;
}

export interface AlertHistoryOptions {
  /** How long an ended episode is kept after its end (default 6 h: longer than any assessment's validity window). */
  retentionMs?: number;
  /**
   * An open episode not heard of for this long is dropped (default 24 h): Alertmanager re-sends a firing alert at
   * least every repeat_interval (4 h by default), so that long a silence means its resolved message was lost.
   */
  staleOpenMs?: number;
  /** Bound on memory (default 100,000); beyond it the episodes that ended earliest go first, then the stalest open ones. */
  maxEpisodes?: number;
}

export interface AlertEpisodeFilter {
  fingerprint?: string;
  alertname?: string;
  namespace?: string;
}

type Cache = Pick<ClusterCache, "store">;

const time = (iso: string | undefined): number | undefined => {
  if (iso === undefined) return undefined;
  const t = Date.parse(iso);
  return Number.isFinite(t) ? t : undefined;
};

/** Whether the episode was firing at some point of [from, to]. */
const overlaps = (e: AlertEpisode, from: number, to: number): boolean => e.startsAt <= to && (e.endsAt === undefined || e.endsAt >= from);

export class AlertHistory {
  /** Episodes per fingerprint, oldest start first. */
  private readonly byFingerprint = new Map<string, AlertEpisode[]>();
  /** Fingerprints per namespace ("" for cluster-scoped alerts): a fingerprint's labels, so its namespace, never change. */
  private readonly byNamespace = new Map<string, Set<string>>();
  private count = 0;
  private readonly retentionMs: number;
  private readonly staleOpenMs: number;
  private readonly maxEpisodes: number;

  constructor(opts: AlertHistoryOptions = {}) {
    this.retentionMs = opts.retentionMs ?? 6 * 3_600_000;
    this.staleOpenMs = opts.staleOpenMs ?? 24 * 3_600_000;
    this.maxEpisodes = opts.maxEpisodes ?? 100_000;
  }

  /** Records a firing or resolved alert; true when the timeline changed (new episode, closed, re-opened). */
  add(alert: AlertMessage): boolean {
    const startsAt = time(alert.startsAt);
    if (startsAt === undefined) return false;
    const receivedAt = time(alert.receivedAt) ?? startsAt;
    const list = this.listOf(alert);
    let episode = list.find((e) => e.startsAt === startsAt);
    let changed = false;
    if (!episode) {
      episode = {
        fingerprint: alert.fingerprint,
        alertname: alert.alertname,
        labels: alert.labels,
        ...(alert.namespace ? { namespace: alert.namespace } : {}),
        ...(alert.target ? { target: alert.target } : {}),
        startsAt,
        lastSeenAt: receivedAt,
      };
      insertSorted(list, episode);
      this.count++;
      changed = true;
    }
    episode.lastSeenAt = Math.max(episode.lastSeenAt, receivedAt);

    if (alert.status === "resolved") {
      const endsAt = time(alert.endsAt) ?? receivedAt;
      // A resolved re-send keeps the first end seen; only a close of an open (or merely inferred) end is a change.
      if (episode.endsAt === undefined || episode.endInferred) {
        episode.endsAt = Math.max(endsAt, startsAt);
        delete episode.endInferred;
        changed = true;
      }
    } else if (episode.endsAt !== undefined && !episode.endInferred && receivedAt > episode.endsAt) {
      // Firing again with the same startsAt after its end: Alertmanager resolved it on resolve_timeout and
      // Prometheus kept sending it (its activeAt unchanged). A redelivered old firing was received before the end.
      delete episode.endsAt;
      changed = true;
    }
    if (this.closeSuperseded(list)) changed = true;
    if (this.count > this.maxEpisodes) this.evict();
    return changed;
  }

  /** Episodes matching every given field, oldest start first. */
  episodes(filter: AlertEpisodeFilter = {}): AlertEpisode[] {
    const out: AlertEpisode[] = [];
    for (const list of this.candidates(filter.fingerprint, filter.namespace)) {
      for (const e of list) {
        if (filter.alertname !== undefined && e.alertname !== filter.alertname) continue;
        if (filter.namespace !== undefined && e.namespace !== filter.namespace) continue;
        out.push(e);
      }
    }
    return out.sort((a, b) => a.startsAt - b.startsAt);
  }

  /** Episodes about `owner` (their target is the owner or belongs to it) that were firing at some point of [from, to]. */
  forOwner(cache: Cache, owner: ResourceRef, from: number, to: number): AlertEpisode[] {
    // A Node's alerts include those of the pods bound to it, in any namespace: no namespace index then.
    const namespace = owner.kind === "Node" ? undefined : (owner.namespace ?? "");
    const out: AlertEpisode[] = [];
    for (const list of this.candidates(undefined, namespace)) {
      const target = list[0]?.target;
      if (!target || !refBelongsTo(cache, target, owner)) continue;
      for (const e of list) if (overlaps(e, from, to)) out.push(e);
    }
    return out.sort((a, b) => a.startsAt - b.startsAt);
  }

  /** Episodes about `owner` firing at `at` (started at or before it, not yet resolved then). */
  firingAt(cache: Cache, owner: ResourceRef, at: number): AlertEpisode[] {
    return this.forOwner(cache, owner, at, at).filter((e) => e.endsAt === undefined || e.endsAt > at);
  }

  /** Forgets episodes that ended more than retentionMs before `now`, and open ones not heard of for staleOpenMs. */
  prune(now: number): void {
    for (const [fingerprint, list] of this.byFingerprint) {
      const kept = list.filter((e) =>
        e.endsAt === undefined ? e.lastSeenAt >= now - this.staleOpenMs : e.endsAt >= now - this.retentionMs,
      );
      this.replace(fingerprint, list, kept);
    }
  }

  size(): number {
    return this.count;
  }

  private listOf(alert: AlertMessage): AlertEpisode[] {
    let list = this.byFingerprint.get(alert.fingerprint);
    if (!list) {
      list = [];
      this.byFingerprint.set(alert.fingerprint, list);
      const ns = alert.namespace ?? "";
      let set = this.byNamespace.get(ns);
      if (!set) this.byNamespace.set(ns, (set = new Set()));
      set.add(alert.fingerprint);
    }
    return list;
  }

  private *candidates(fingerprint: string | undefined, namespace: string | undefined): Iterable<AlertEpisode[]> {
    if (fingerprint !== undefined) {
      const list = this.byFingerprint.get(fingerprint);
      if (list) yield list;
      return;
    }
    if (namespace !== undefined) {
      for (const fp of this.byNamespace.get(namespace) ?? []) {
        const list = this.byFingerprint.get(fp);
        if (list) yield list;
      }
      return;
    }
    yield* this.byFingerprint.values();
  }

  /**
   * One fingerprint fires once at a time: an open episode followed by a later one ended when the later one started
   * (its resolved message was lost, or is still on its way). Returns whether any end was inferred.
   */
  private closeSuperseded(list: AlertEpisode[]): boolean {
    let changed = false;
    for (let i = 0; i < list.length - 1; i++) {
      const e = list[i]!;
      if (e.endsAt === undefined) {
        e.endsAt = list[i + 1]!.startsAt;
        e.endInferred = true;
        changed = true;
      }
    }
    return changed;
  }

  /** Brings the count back to 90% of the bound in one pass, so a full history does not sort on every add. */
  private evict(): void {
    const all: AlertEpisode[] = [];
    for (const list of this.byFingerprint.values()) all.push(...list);
    // Ended episodes first (earliest end first), then open ones by when they were last heard of.
    const rank = (e: AlertEpisode): [number, number] => (e.endsAt !== undefined ? [0, e.endsAt] : [1, e.lastSeenAt]);
    all.sort((a, b) => {
      const [ka, ta] = rank(a);
      const [kb, tb] = rank(b);
      return ka - kb || ta - tb;
    });
    const drop = new Set(all.slice(0, this.count - Math.floor(this.maxEpisodes * 0.9)));
    for (const [fingerprint, list] of this.byFingerprint) {
      if (list.some((e) => drop.has(e)))
        this.replace(
          fingerprint,
          list,
          list.filter((e) => !drop.has(e)),
        );
    }
  }

  private replace(fingerprint: string, list: AlertEpisode[], kept: AlertEpisode[]): void {
    if (kept.length === list.length) return;
    this.count -= list.length - kept.length;
    if (kept.length > 0) {
      this.byFingerprint.set(fingerprint, kept);
      return;
    }
    this.byFingerprint.delete(fingerprint);
    const ns = list[0]?.namespace ?? "";
    const set = this.byNamespace.get(ns);
    set?.delete(fingerprint);
    if (set?.size === 0) this.byNamespace.delete(ns);
  }
}

function insertSorted(list: AlertEpisode[], e: AlertEpisode): void {
  let i = list.length;
  while (i > 0 && list[i - 1]!.startsAt > e.startsAt) i--;
  list.splice(i, 0, e);
}

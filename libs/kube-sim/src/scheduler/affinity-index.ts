// Indexes that keep InterPodAffinity's PreFilter from scanning every placed pod for every incoming pod: placed
// pods by namespace and label, and placed pods' anti-affinity terms by the label their selector requires.
// Without them, 5,000 replicas with anti-affinity would cost 5,000² selector checks.
import type { AffinityTerm, PodInfo } from "./pod-info.js";

/** A placed pod as the index needs it; node-info's Placement adds the node (generic, so no node-info ↔ index cycle). */
export interface Placed {
  info: PodInfo;
}

/** One required anti-affinity term of a placed pod. */
export interface PlacedTerm<P extends Placed = Placed> {
  term: AffinityTerm;
  placement: P;
}

class SetMap<V> {
  private readonly map = new Map<string, Set<V>>();
  add(key: string, v: V): void {
    let set = this.map.get(key);
    if (!set) this.map.set(key, (set = new Set()));
    set.add(v);
  }
  delete(key: string, v: V): void {
    const set = this.map.get(key);
    if (set?.delete(v) && set.size === 0) this.map.delete(key);
  }
  get(key: string): ReadonlySet<V> | undefined {
    return this.map.get(key);
  }
}

const labelKey = (namespace: string, key: string, value: string): string => `${namespace}\u0000${key}\u0000${value}`;

export class AffinityIndex<Placement extends Placed> {
  readonly all = new Set<Placement>();
  private readonly byNamespace = new SetMap<Placement>();
  private readonly byLabel = new SetMap<Placement>();
  /** Anti-affinity terms by (namespace, required label); terms that cannot be keyed that way are always checked. */
  private readonly antiByLabel = new SetMap<PlacedTerm<Placement>>();
  private readonly antiUnkeyed = new Set<PlacedTerm<Placement>>();
  private readonly antiTerms = new Map<Placement, PlacedTerm<Placement>[]>();

  add(p: Placement): void {
    this.all.add(p);
    this.byNamespace.add(p.info.namespace, p);
    for (const [k, v] of Object.entries(p.info.labels)) this.byLabel.add(labelKey(p.info.namespace, k, v), p);
    if (p.info.antiAffinity.length === 0) return;
    const terms = p.info.antiAffinity.map((term) => ({ term, placement: p }));
    this.antiTerms.set(p, terms);
    for (const t of terms) {
      const keys = this.termKeys(t.term);
      if (keys) for (const key of keys) this.antiByLabel.add(key, t);
      else this.antiUnkeyed.add(t);
    }
  }

  remove(p: Placement): void {
    this.all.delete(p);
    this.byNamespace.delete(p.info.namespace, p);
    for (const [k, v] of Object.entries(p.info.labels)) this.byLabel.delete(labelKey(p.info.namespace, k, v), p);
    for (const t of this.antiTerms.get(p) ?? []) {
      const keys = this.termKeys(t.term);
      if (keys) for (const key of keys) this.antiByLabel.delete(key, t);
      else this.antiUnkeyed.delete(t);
    }
    this.antiTerms.delete(p);
  }

  /** Index keys a pod must hit to possibly match `term`; undefined when a namespaceSelector or no matchLabels rules that out. */
  private termKeys(term: AffinityTerm): string[] | undefined {
    if (term.namespaceSelector || !term.indexLabel) return undefined;
    const [k, v] = term.indexLabel;
    return [...term.namespaces].map((ns) => labelKey(ns, k, v));
  }

  /** Placed pods that might match `term` (a superset: callers still run termMatches). */
  candidates(term: AffinityTerm): Iterable<Placement> {
    if (term.namespaceSelector) return this.all;
    const sets: Array<ReadonlySet<Placement>> = [];
    for (const ns of term.namespaces) {
      const set = term.indexLabel ? this.byLabel.get(labelKey(ns, term.indexLabel[0], term.indexLabel[1])) : this.byNamespace.get(ns);
      if (set) sets.push(set);
    }
    return sets.length === 1 ? sets[0]! : sets.flatMap((s) => [...s]);
  }

  /** Placed pods' anti-affinity terms that might select `info` (a superset, each term once). */
  antiAffinityTermsAgainst(info: PodInfo): PlacedTerm<Placement>[] {
    const out = [...this.antiUnkeyed];
    for (const [k, v] of Object.entries(info.labels)) {
      const set = this.antiByLabel.get(labelKey(info.namespace, k, v));
      if (set) for (const t of set) out.push(t);
    }
    return out;
  }
}

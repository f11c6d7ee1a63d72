// The HPA's normalisation of a replica proposal: stabilisation over recent recommendations (scale-down waits
// 300 s for the highest recent one), then the min/max and scale-rate limits, with the AbleToScale and
// ScalingLimited reasons horizontal.go reports. Without spec.behavior it follows normalizeDesiredReplicas (scale-up
// at most to max(2 × current, 4)); with one, normalizeDesiredReplicasWithBehaviors and its policies.

/** --horizontal-pod-autoscaler-downscale-stabilization. */
export const DOWNSCALE_STABILIZATION_MS = 300_000;

export interface ScaleHistory {
  recommendations: Array<{ replicas: number; at: number }>;
  scaleUp: Array<{ change: number; at: number }>;
  scaleDown: Array<{ change: number; at: number }>;
}

interface Policy {
  type: "Pods" | "Percent";
  value: number;
  periodSeconds: number;
}

interface Rules {
  stabilizationWindowSeconds: number;
  selectPolicy: "Max" | "Min" | "Disabled";
  policies: Policy[];
}

export interface NormalizeInput {
  behavior?: { scaleUp?: Partial<Rules>; scaleDown?: Partial<Rules> } | null;
  history: ScaleHistory;
  now: number;
  currentReplicas: number;
  desired: number;
  minReplicas: number;
  maxReplicas: number;
}

type Reason = { reason: string; message: string };

export interface Normalized {
  replicas: number;
  able: Reason;
  limited: boolean;
  limit: Reason;
}

const READY: Reason = { reason: "ReadyForNewScale", message: "recommended size matches current size" };
const UP_STABILIZED: Reason = {
  reason: "ScaleUpStabilized",
  message: "recent recommendations were lower than current one, applying the lowest recent recommendation",
};
const DOWN_STABILIZED: Reason = {
  reason: "ScaleDownStabilized",
  message: "recent recommendations were higher than current one, applying the highest recent recommendation",
};
const WITHIN: Reason = { reason: "DesiredWithinRange", message: "the desired count is within the acceptable range" };
const TOO_MANY: Reason = { reason: "TooManyReplicas", message: "the desired replica count is more than the maximum replica count" };
const TOO_FEW: Reason = { reason: "TooFewReplicas", message: "the desired replica count is less than the minimum replica count" };
const UP_LIMIT: Reason = { reason: "ScaleUpLimit", message: "the desired replica count is increasing faster than the maximum scale rate" };
const DOWN_LIMIT: Reason = {
  reason: "ScaleDownLimit",
  message: "the desired replica count is decreasing faster than the maximum scale rate",
};

/** Records the unstabilised recommendation, reusing one sample that fell out of every window. */
const record = (h: ScaleHistory, replicas: number, now: number, oldest: number): void => {
  const old = h.recommendations.findIndex((r) => r.at < oldest);
  if (old >= 0) h.recommendations[old] = { replicas, at: now };
  else h.recommendations.push({ replicas, at: now });
};

const scaleUpRules = (r: Partial<Rules> | undefined): Rules => ({
  stabilizationWindowSeconds: r?.stabilizationWindowSeconds ?? 0,
  selectPolicy: r?.selectPolicy ?? "Max",
  policies: r?.policies ?? [
    { type: "Pods", value: 4, periodSeconds: 15 },
    { type: "Percent", value: 100, periodSeconds: 15 },
  ],
});

const scaleDownRules = (r: Partial<Rules> | undefined): Rules => ({
  stabilizationWindowSeconds: r?.stabilizationWindowSeconds ?? DOWNSCALE_STABILIZATION_MS / 1000,
  selectPolicy: r?.selectPolicy ?? "Max",
  policies: r?.policies ?? [{ type: "Percent", value: 100, periodSeconds: 15 }],
});

const changedWithin = (events: Array<{ change: number; at: number }>, periodSeconds: number, now: number): number =>
  events.reduce((n, e) => (e.at > now - periodSeconds * 1000 ? n + e.change : n), 0);

const scaleUpLimit = (current: number, h: ScaleHistory, rules: Rules, now: number): number => {
  if (rules.selectPolicy === "Disabled") return current;
  let result = rules.selectPolicy === "Min" ? Infinity : -Infinity;
  for (const p of rules.policies) {
    const start = current - changedWithin(h.scaleUp, p.periodSeconds, now);
    const proposed = p.type === "Pods" ? start + p.value : Math.ceil(start * (1 + p.value / 100));
    result = rules.selectPolicy === "Min" ? Math.min(result, proposed) : Math.max(result, proposed);
  }
  return result;
};

const scaleDownLimit = (current: number, h: ScaleHistory, rules: Rules, now: number): number => {
  if (rules.selectPolicy === "Disabled") return current;
  let result = rules.selectPolicy === "Min" ? -Infinity : Infinity;
  for (const p of rules.policies) {
    const start = current - changedWithin(h.scaleUp, p.periodSeconds, now) + changedWithin(h.scaleDown, p.periodSeconds, now);
    const proposed = p.type === "Pods" ? start - p.value : Math.trunc(start * (1 - p.value / 100));
    result = rules.selectPolicy === "Min" ? Math.max(result, proposed) : Math.min(result, proposed);
  }
  return result;
};

const withoutBehavior = (i: NormalizeInput): Normalized => {
  const cutoff = i.now - DOWNSCALE_STABILIZATION_MS;
  let stabilized = i.desired;
  for (const r of i.history.recommendations) if (r.at >= cutoff && r.replicas > stabilized) stabilized = r.replicas;
  record(i.history, i.desired, i.now, cutoff);
  const able = stabilized !== i.desired ? DOWN_STABILIZED : READY;
  const upLimit = Math.max(2 * i.currentReplicas, 4);
  const [maxAllowed, overMax] = i.maxReplicas > upLimit ? [upLimit, UP_LIMIT] : [i.maxReplicas, TOO_MANY];
  if (stabilized < i.minReplicas) return { replicas: i.minReplicas, able, limited: true, limit: TOO_FEW };
  if (stabilized > maxAllowed) return { replicas: maxAllowed, able, limited: true, limit: overMax };
  return { replicas: stabilized, able, limited: false, limit: WITHIN };
};

const withBehavior = (i: NormalizeInput): Normalized => {
  const up = scaleUpRules(i.behavior?.scaleUp);
  const down = scaleDownRules(i.behavior?.scaleDown);
  const upCutoff = i.now - up.stabilizationWindowSeconds * 1000;
  const downCutoff = i.now - down.stabilizationWindowSeconds * 1000;
  let upRec = i.desired;
  let downRec = i.desired;
  for (const r of i.history.recommendations) {
    if (r.at > upCutoff) upRec = Math.min(upRec, r.replicas);
    if (r.at > downCutoff) downRec = Math.max(downRec, r.replicas);
  }
  record(i.history, i.desired, i.now, Math.min(upCutoff, downCutoff));
  const stabilized = Math.min(Math.max(i.currentReplicas, upRec), downRec);
  const able = stabilized === i.desired ? READY : i.desired >= i.currentReplicas ? UP_STABILIZED : DOWN_STABILIZED;
  const longest = Math.max(...[...up.policies, ...down.policies].map((p) => p.periodSeconds), 0) * 1000;
  i.history.scaleUp = i.history.scaleUp.filter((e) => e.at > i.now - longest);
  i.history.scaleDown = i.history.scaleDown.filter((e) => e.at > i.now - longest);
  let result: Normalized = { replicas: stabilized, able, limited: false, limit: WITHIN };
  if (stabilized > i.currentReplicas) {
    const limit = Math.max(i.currentReplicas, scaleUpLimit(i.currentReplicas, i.history, up, i.now));
    const [maxAllowed, reason] = i.maxReplicas > limit ? [limit, UP_LIMIT] : [i.maxReplicas, TOO_MANY];
    if (stabilized > maxAllowed) result = { replicas: maxAllowed, able, limited: true, limit: reason };
  } else if (stabilized < i.currentReplicas) {
    const limit = Math.min(i.currentReplicas, scaleDownLimit(i.currentReplicas, i.history, down, i.now));
    const [minAllowed, reason] = i.minReplicas < limit ? [limit, DOWN_LIMIT] : [i.minReplicas, TOO_FEW];
    if (stabilized < minAllowed) result = { replicas: minAllowed, able, limited: true, limit: reason };
  }
  return result;
};

export const normalize = (i: NormalizeInput): Normalized => (i.behavior ? withBehavior(i) : withoutBehavior(i));

// Network analyzers, in the order they run.
import type { Analyzer } from "../../analyzer-definition.js";
import { ingressAnalyzer } from "./ingress.js";
import { networkPolicyAnalyzer } from "./network-policy.js";
import { serviceAnalyzer } from "./service.js";

export const networkAnalyzers: readonly Analyzer[] = [serviceAnalyzer, ingressAnalyzer, networkPolicyAnalyzer];

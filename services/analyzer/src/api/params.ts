// Path parameter schemas for routes: Kubernetes names validated as the API server does, so a malformed name is
// a 400 that says what is wrong rather than a 404 that suggests the object might exist elsewhere.
import { z } from "zod";

// RFC 1123 label (namespaces) and subdomain (pods, nodes): lowercase alphanumerics, '-', and '.' between labels.
const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const RULES = "lowercase letters, digits and '-', starting and ending with a letter or digit";

export const namespaceName = z.string().max(63).regex(LABEL, `not a valid namespace name (${RULES})`);
export const objectName = z.string().max(253).regex(SUBDOMAIN, `not a valid object name (${RULES}; '.' between parts)`);

export const podParams = z.object({ namespace: namespaceName, pod: objectName });
export const nodeParams = z.object({ node: objectName });
export const namespaceParams = z.object({ namespace: namespaceName });

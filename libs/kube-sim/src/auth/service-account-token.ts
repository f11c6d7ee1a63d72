// ServiceAccount tokens as the TokenRequest API (`kubectl create token`) issues them: JWTs bound to one
// ServiceAccount's uid and valid until they expire on the simulator's clock. Signed with HMAC rather than the
// API server's RSA key: only the simulator verifies them, and the claims are what clients and TokenReview read.
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { serviceAccountGroups, serviceAccountUsername, ALL_AUTHENTICATED, type UserInfo } from "./user.js";

export const ISSUER = "https://kubernetes.default.svc.cluster.local";

export interface ServiceAccountClaims {
  iss: string;
  sub: string;
  aud: string[];
  exp: number;
  iat: number;
  nbf: number;
  jti: string;
  "kubernetes.io": { namespace: string; serviceaccount: { name: string; uid: string } };
}

const b64 = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString("base64url");

export class ServiceAccountTokens {
  private readonly key = randomBytes(32);

  private sign(data: string): string {
    return createHmac("sha256", this.key).update(data).digest("base64url");
  }

  issue(sa: { namespace: string; name: string; uid: string }, nowMs: number, expirationSeconds: number, audiences: string[]): string {
    const iat = Math.floor(nowMs / 1000);
    const claims: ServiceAccountClaims = {
      iss: ISSUER,
      sub: serviceAccountUsername(sa.namespace, sa.name),
      aud: audiences,
      exp: iat + expirationSeconds,
      iat,
      nbf: iat,
      jti: randomBytes(16).toString("hex"),
      "kubernetes.io": { namespace: sa.namespace, serviceaccount: { name: sa.name, uid: sa.uid } },
    };
    const body = `${b64({ alg: "HS256", kid: "kube-sim" })}.${b64(claims)}`;
    return `${body}.${this.sign(body)}`;
  }

  /** The claims of a token this simulator signed and that has not expired, or undefined. */
  verify(token: string, nowMs: number): ServiceAccountClaims | undefined {
    const parts = token.split(".");
    if (parts.length !== 3) return undefined;
    const expected = Buffer.from(this.sign(`${parts[0]}.${parts[1]}`));
    const actual = Buffer.from(parts[2]!);
    if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return undefined;
    const claims = JSON.parse(Buffer.from(parts[1]!, "base64url").toString("utf8")) as ServiceAccountClaims;
    return claims.exp * 1000 > nowMs ? claims : undefined;
  }
}

export const serviceAccountUser = (claims: ServiceAccountClaims): UserInfo => {
  const { namespace, serviceaccount } = claims["kubernetes.io"];
  return {
    name: claims.sub,
    uid: serviceaccount.uid,
    groups: [...serviceAccountGroups(namespace), ALL_AUTHENTICATED],
    extra: { "authentication.kubernetes.io/credential-id": [`JTI=${claims.jti}`] },
  };
};

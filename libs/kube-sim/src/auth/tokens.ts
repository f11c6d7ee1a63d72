// Bearer tokens the simulated API server accepts. Kubeconfig tokens work like the API server's static token file
// (--token-auth-file): an opaque token names a user and its groups. ServiceAccount tokens from the TokenRequest API
// are verified separately (service-account-token.ts).
import { randomBytes } from "node:crypto";
import { ADMIN, userFor, userKey, type UserInfo } from "./user.js";

/** The token of the default kubeconfig, unchanged from earlier versions so saved kubeconfigs keep working. */
export const ADMIN_TOKEN = "kube-sim";

export class StaticTokens {
  private readonly users = new Map<string, UserInfo>([[ADMIN_TOKEN, ADMIN]]);
  private readonly tokens = new Map<string, string>([[userKey(ADMIN), ADMIN_TOKEN]]);

  /** The token for a user (the same one each time it is asked for). */
  issue(name: string, groups: string[] = []): string {
    const user = userFor(name, groups);
    const key = userKey(user);
    const existing = this.tokens.get(key);
    if (existing) return existing;
    const token = `kube-sim-${randomBytes(16).toString("hex")}`;
    this.users.set(token, user);
    this.tokens.set(key, token);
    return token;
  }

  lookup(token: string): UserInfo | undefined {
    return this.users.get(token);
  }
}

/**
 * Splits `NATS_URL` into server addresses and credentials. The v3 client ignores userinfo in URLs, but
 * `nats://user:pass@host:4222` (or `nats://token@host:4222`) is what operators write, so honour it.
 */
export function parseServers(input: string | readonly string[]): {
  servers: string[];
  auth: { user?: string; pass?: string; token?: string };
} {
  const list = (typeof input === "string" ? input.split(",") : [...input]).map((s) => s.trim()).filter(Boolean);
  const auth: { user?: string; pass?: string; token?: string } = {};
  const servers = list.map((raw) => {
    const withScheme = raw.includes("://") ? raw : `nats://${raw}`;
    let url: URL;
    try {
      url = new URL(withScheme);
    } catch {
      return raw; // let the client report a malformed address
    }
    if (url.username && url.password) {
      auth.user = decodeURIComponent(url.username);
      auth.pass = decodeURIComponent(url.password);
    } else if (url.username) {
      auth.token = decodeURIComponent(url.username);
    }
    return `${url.protocol}//${url.host}`;
  });
  return { servers, auth };
}

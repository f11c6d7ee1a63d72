/** True when a server `version` ("2.9.10") is at least `min` ("2.11.0"); gates features newer than Debian's 2.9. */
export function versionAtLeast(version: string | undefined, min: string): boolean {
  if (!version) return false;
  const parse = (v: string) =>
    v
      .replace(/^v/, "")
      .split(/[.-]/)
      .slice(0, 3)
      .map((p) => Number.parseInt(p, 10) || 0);
  const a = parse(version);
  const b = parse(min);
  for (let i = 0; i < 3; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d > 0;
  }
  return true;
}

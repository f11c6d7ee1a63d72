/** Seconds since boot, the first field of /proc/uptime ("350735.47 234388.90"). */
export function parseUptime(text: string): number | undefined {
  const v = Number(text.slice(0, text.indexOf(" ")));
  return text.includes(" ") && Number.isFinite(v) ? v : undefined;
}

/**
 * PRETTY_NAME from os-release (a shell-style KEY=value file), unquoted; NAME and VERSION when it is
 * missing. Undefined when neither is there.
 */
export function parseOsRelease(text: string): string | undefined {
  const vars = new Map<string, string>();
  for (const line of text.split("\n")) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (!m?.[1] || m[2] === undefined) continue;
    let v = m[2];
    const q = v[0];
    if ((q === '"' || q === "'") && v.endsWith(q) && v.length >= 2) v = v.slice(1, -1);
    if (q === '"') v = v.replace(/\\(["\\$`])/g, "$1");
    vars.set(m[1], v);
  }
  const pretty = vars.get("PRETTY_NAME");
  if (pretty) return pretty;
  const name = vars.get("NAME");
  if (!name) return undefined;
  const version = vars.get("VERSION");
  return version ? `${name} ${version}` : name;
}

/** The kernel release from /proc/sys/kernel/osrelease ("6.8.0-1015-aws\n"). */
export function parseKernelRelease(text: string): string | undefined {
  const v = text.trim();
  return v ? v : undefined;
}

// Colours for people at a terminal only: never when stdout is not a TTY, when NO_COLOR is set (no-color.org), or
// with --no-color. The table renderer measures text without these escapes.
export interface Paint {
  readonly enabled: boolean;
  bold(text: string): string;
  dim(text: string): string;
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
}

const wrap = (open: number, close: number) => (text: string) => `\u001b[${open}m${text}\u001b[${close}m`;

export function makePaint(enabled: boolean): Paint {
  if (!enabled) {
    const same = (text: string) => text;
    return { enabled, bold: same, dim: same, red: same, green: same, yellow: same };
  }
  return { enabled, bold: wrap(1, 22), dim: wrap(2, 22), red: wrap(31, 39), green: wrap(32, 39), yellow: wrap(33, 39) };
}

// eslint-disable-next-line no-control-regex -- the escapes makePaint writes
const ANSI = /\u001b\[[0-9;]*m/g;

/** What a terminal shows: the text without colour escapes. */
export function visibleLength(text: string): number {
  return [...text.replace(ANSI, "")].length;
}

export function colorWanted(isTty: boolean, env: NodeJS.ProcessEnv, noColorFlag: boolean): boolean {
  return isTty && !noColorFlag && (env["NO_COLOR"] ?? "") === "" && env["TERM"] !== "dumb";
}

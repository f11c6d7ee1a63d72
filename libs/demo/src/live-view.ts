// The demo's terminal: stage lines as they happen, and one progress line for long waits that is rewritten in place
// on a terminal and left out elsewhere (a log file or CI gets only the lines that stay).
import { formatLine, type LineStyle, type StageLine } from "./stage-lines.js";

export class LiveView {
  private progressShown = false;
  readonly style: LineStyle;

  constructor(
    private readonly out: NodeJS.WritableStream & { isTTY?: boolean; columns?: number },
    opts: { colour?: boolean } = {},
  ) {
    const tty = !!out.isTTY;
    this.style = { colour: opts.colour ?? (tty && !process.env["NO_COLOR"]), width: tty ? (out.columns ?? 140) : 0 };
  }

  /** A line that stays. */
  print(text: string): void {
    this.clearProgress();
    this.out.write(`${text}\n`);
  }

  stage(scenario: string, line: StageLine, sinceMs?: number): void {
    this.print(formatLine(scenario, line, sinceMs, this.style));
  }

  /** A transient line (a terminal only): "advancing the cluster clock: +2m30s of the 5m window". */
  progress(text: string): void {
    if (!this.out.isTTY) return;
    const width = this.style.width || 140;
    this.out.write(`\r\x1b[K\x1b[2m${text.slice(0, width - 1)}\x1b[0m`);
    this.progressShown = true;
  }

  clearProgress(): void {
    if (!this.progressShown) return;
    this.out.write("\r\x1b[K");
    this.progressShown = false;
  }
}

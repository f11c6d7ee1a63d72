// Where a command's results go. stdout carries the result only: a table (or text) for people, or with --json the
// data as one JSON document and nothing else, so `vigil actions --json | jq` always parses. Notes, warnings and
// progress go to stderr.
import type { Writable } from "node:stream";
import { makePaint, type Paint } from "./paint.js";

export interface OutputOptions {
  stdout: Writable & { isTTY?: boolean };
  stderr: Writable & { isTTY?: boolean };
  json: boolean;
  color: boolean;
}

export class Output {
  readonly json: boolean;
  readonly paint: Paint;
  private progressShown = false;

  constructor(private readonly opts: OutputOptions) {
    this.json = opts.json;
    this.paint = makePaint(opts.color && !opts.json);
  }

  /** The command's result: `data` as JSON with --json, else what `human` renders. */
  result(data: unknown, human: () => string): void {
    this.clearProgress();
    this.opts.stdout.write(this.json ? `${JSON.stringify(data, null, 2)}\n` : human());
  }

  /** A line for people, on stderr (never mixed into --json output). */
  note(text: string): void {
    this.clearProgress();
    this.opts.stderr.write(`${text}\n`);
  }

  warn(text: string): void {
    this.note(this.paint.yellow(`warning: ${text}`));
  }

  /** Progress of long work, on stderr: one line rewritten in place at a terminal, else one line per step. */
  progress(done: number, total: number, what: string): void {
    const text = `[${done}/${total}] ${what}`;
    if (this.opts.stderr.isTTY) {
      this.opts.stderr.write(`\r\u001b[2K${text}`);
      this.progressShown = true;
    } else {
      this.opts.stderr.write(`${text}\n`);
    }
  }

  private clearProgress(): void {
    if (!this.progressShown) return;
    this.opts.stderr.write("\r\u001b[2K");
    this.progressShown = false;
  }
}

// What a terminal display needs: colours (util.styleText) only where a person reads them, and a block of
// lines redrawn in place (node's readline cursor functions) for progress that changes while a run or a
// measurement goes. The console reporter's live block and `profile init`'s progress line share it.
import { clearScreenDown, moveCursor } from 'node:readline';
import { styleText } from 'node:util';

export type Terminal = NodeJS.WritableStream & { isTTY?: boolean; columns?: number };

export type Style = Parameters<typeof styleText>[0];

/** Colours on a terminal only, and never with NO_COLOR set (https://no-color.org). */
export function wantsColour(stream: Terminal): boolean {
  return Boolean(stream.isTTY) && !process.env.NO_COLOR;
}

export type Paint = (style: Style, text: string) => string;

/**
 * Styles text when `colour` is on, and leaves it as it is otherwise. The caller has decided (a TTY, or
 * asked for), so styleText is told not to judge process.stdout, which may not be the stream written.
 */
export function painter(colour: boolean): Paint {
  return colour ? (style, text) => styleText(style, text, { validateStream: false }) : (_style, text) => text;
}

/**
 * Lines drawn at the bottom of a terminal and redrawn in place: each draw moves the cursor up over the
 * lines drawn before and clears from there down. Whatever is written between a clear() and the next
 * draw stays above the block.
 */
export class LiveDisplay {
  private drawn = 0;

  constructor(
    private readonly stream: Terminal,
    private readonly paint: Paint = painter(false),
  ) {}

  /** The widest line drawn: one column short of the terminal, whose last column would wrap. */
  get width(): number {
    return Math.max(40, (this.stream.columns ?? 120) - 1);
  }

  /** Cut to the width: a wrapped line would take two rows, and moving up by the lines drawn would miss one. */
  fit(text: string): string {
    return text.length > this.width ? `${text.slice(0, this.width - 1)}…` : text;
  }

  /** Replaces the lines drawn last with these, each cut to the width, then styled. */
  draw(lines: string[], style?: Style): void {
    this.clear();
    if (lines.length === 0) return;
    const shown = lines.map((line) => (style === undefined ? this.fit(line) : this.paint(style, this.fit(line))));
    this.stream.write(`${shown.join('\n')}\n`);
    this.drawn = lines.length;
  }

  /** Removes the lines drawn, so that what is written next takes their place. */
  clear(): void {
    if (this.drawn === 0) return;
    moveCursor(this.stream, 0, -this.drawn);
    clearScreenDown(this.stream);
    this.drawn = 0;
  }

  /** Leaves the lines drawn where they are: the next draw starts below them. */
  keep(): void {
    this.drawn = 0;
  }
}

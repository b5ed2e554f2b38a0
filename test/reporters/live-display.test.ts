import { expect } from 'chai';
import { Writable } from 'node:stream';
import { LiveDisplay, painter, wantsColour, type Terminal } from '../../reporters/live-display.js';

function terminal(columns = 80, isTTY = true): { stream: Terminal; written: () => string } {
  let text = '';
  const stream = Object.assign(
    new Writable({
      write(chunk: Buffer, _enc, done) {
        text += chunk.toString();
        done();
      },
    }),
    { isTTY, columns },
  );
  return { stream, written: () => text };
}

describe('live display', () => {
  it('redraws its lines in place: up over the lines drawn, clear down, draw', () => {
    const { stream, written } = terminal();
    const display = new LiveDisplay(stream);
    display.draw(['one', 'two']);
    display.draw(['three']);
    display.clear();
    display.clear(); // nothing drawn: nothing to take away
    expect(written()).to.equal('one\ntwo\n\x1b[2A\x1b[0Jthree\n\x1b[1A\x1b[0J');
  });

  it('keep() leaves the lines drawn where they are: the next draw goes below them', () => {
    const { stream, written } = terminal();
    const display = new LiveDisplay(stream);
    display.draw(['measuring idle timeout, 12s']);
    display.keep();
    display.draw(['measuring sync timeout, 1s']);
    expect(written()).to.equal('measuring idle timeout, 12s\nmeasuring sync timeout, 1s\n');
  });

  it('cuts each line to the terminal, so that none wraps and the redraw moves up by the right count', () => {
    const { stream, written } = terminal(50);
    const display = new LiveDisplay(stream);
    display.draw(['x'.repeat(60), 'short']);
    expect(written()).to.equal(`${'x'.repeat(48)}…\nshort\n`);
    expect(display.fit('y'.repeat(49))).to.equal('y'.repeat(49));
  });

  it('styles with util.styleText only when colour is on, whatever stdout is', () => {
    expect(painter(true)('red', 'x')).to.equal('\x1b[31mx\x1b[39m');
    expect(painter(true)('gray', 'x')).to.equal('\x1b[90mx\x1b[39m');
    expect(painter(false)('red', 'x')).to.equal('x');
    const { stream, written } = terminal();
    new LiveDisplay(stream, painter(true)).draw(['a', 'b'], 'gray');
    expect(written()).to.equal('\x1b[90ma\x1b[39m\n\x1b[90mb\x1b[39m\n');
  });

  it('wants colour on a TTY without NO_COLOR only', () => {
    const saved = process.env.NO_COLOR;
    try {
      delete process.env.NO_COLOR;
      expect(wantsColour(terminal(80, true).stream)).to.equal(true);
      expect(wantsColour(terminal(80, false).stream)).to.equal(false);
      process.env.NO_COLOR = '1';
      expect(wantsColour(terminal(80, true).stream)).to.equal(false);
    } finally {
      if (saved === undefined) delete process.env.NO_COLOR;
      else process.env.NO_COLOR = saved;
    }
  });
});

import { expect } from 'chai';
import fc from 'fast-check';
import { formatDuration } from '../../project/format-duration.js';
import { evaluateDuration } from '../../runner/load/durations.js';

/** A printed time read back with the suites' own duration syntax ("5m 10.4s" is 5m + 10.4s). */
const readBack = (text: string) => evaluateDuration(text.replace(' ', ' + '), {});

describe('project: formatDuration', () => {
  it('prints milliseconds below a second, tenths of a second below a minute, minutes and seconds above', () => {
    const cases: [number, string][] = [
      [0, '0ms'],
      [12, '12ms'],
      [12.4, '12ms'],
      [999.4, '999ms'],
      [999.5, '1s'],
      [1000, '1s'],
      [1500, '1.5s'],
      [2030, '2s'],
      [9949, '9.9s'],
      [12_345, '12.3s'],
      [59_949, '59.9s'],
      [59_950, '1m'],
      [60_000, '1m'],
      [300_000, '5m'],
      [310_000, '5m 10s'],
      [310_400, '5m 10.4s'],
      [616_400, '10m 16.4s'],
      [3_600_000, '60m'],
    ];
    for (const [ms, text] of cases) expect(formatDuration(ms), String(ms)).to.equal(text);
  });

  it('live: whole seconds from ten seconds up, tenths below', () => {
    const cases: [number, string][] = [
      [450, '450ms'],
      [1500, '1.5s'],
      [9949, '9.9s'],
      [9950, '10s'],
      [41_000, '41s'],
      [41_600, '42s'],
      [310_400, '5m 10s'],
      [59_600, '1m'],
    ];
    for (const [ms, text] of cases) expect(formatDuration(ms, { live: true }), String(ms)).to.equal(text);
  });

  it('keeps the sign of a negative time, and prints what is not a number as it is', () => {
    expect(formatDuration(-1500)).to.equal('-1.5s');
    expect(formatDuration(-0.4)).to.equal('0ms');
    expect(formatDuration(Number.NaN)).to.equal('NaN');
    expect(formatDuration(Number.POSITIVE_INFINITY)).to.equal('Infinity');
  });

  it('reads back, with the suite duration syntax, as the time it printed, to the precision it shows', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 100 * 60_000, noNaN: true }), fc.boolean(), (ms, live) => {
        const text = formatDuration(ms, { live });
        const precision = ms < 999.5 ? 0.5 : live && ms >= 9_950 ? 500 : 50;
        expect(Math.abs(readBack(text) - ms), text).to.be.at.most(precision + 1e-6);
        expect(text).to.not.match(/\.0s|(^|\s)60(\.\d)?s|^1000ms/);
      }),
    );
  });
});

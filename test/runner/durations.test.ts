import { expect } from 'chai';
import { checkDuration, evaluateDuration } from '../../runner/load/durations.js';
import { DEFAULT_TIMERS } from '../../runner/load/load-target.js';

const timers = { ...DEFAULT_TIMERS, idle_timeout: 1500, last_active_granularity: 400 };

describe('durations', () => {
  it('reads numbers, units, timer names, sums and products', () => {
    expect(evaluateDuration(250, timers)).to.equal(250);
    expect(evaluateDuration('500ms', timers)).to.equal(500);
    expect(evaluateDuration('2s', timers)).to.equal(2000);
    expect(evaluateDuration('1m', timers)).to.equal(60_000);
    expect(evaluateDuration('idle_timeout + 2s', timers)).to.equal(3500);
    expect(evaluateDuration('last_active_granularity * 2', timers)).to.equal(800);
    expect(evaluateDuration('idle_timeout + last_active_granularity * 2 - 100', timers)).to.equal(2200);
  });

  it('divides by a plain number or a name, binding as tightly as a product', () => {
    expect(evaluateDuration('idle_timeout / 2', timers)).to.equal(750);
    expect(evaluateDuration('1s / rate_limit_per_second / 10', { ...timers, rate_limit_per_second: 5 })).to.equal(20);
    expect(evaluateDuration('idle_timeout - idle_timeout / 3 * 2', timers)).to.equal(500);
    // Whole milliseconds: (1500 - 1) / 2 is 749.5.
    expect(evaluateDuration('idle_timeout / 2 - 1 / 2', timers)).to.equal(750);
    expect(evaluateDuration('1s / 3', timers)).to.equal(333);
    expect(checkDuration('1s / 0')).to.match(/division by zero/);
    expect(checkDuration('1s /')).to.match(/expected a number or a timer name/);
  });

  it('uses captured numbers', () => {
    expect(evaluateDuration('{captured.retry} + 100ms', timers, { retry: 900 })).to.equal(1000);
    expect(() => evaluateDuration('{captured.retry}', timers, { retry: 'soon' })).to.throw(/not a number/);
  });

  it('rejects unknown timers, bad syntax and negative results with a message', () => {
    expect(checkDuration('idle_timout + 1s')).to.match(/unknown timer "idle_timout"/);
    expect(checkDuration('2s +')).to.match(/expected a number or a timer name/);
    expect(checkDuration('2s 3s')).to.match(/expected \+ or -/);
    expect(checkDuration('1s - 2s')).to.match(/negative/);
    expect(checkDuration('2 parsecs')).to.match(/unknown timer "parsecs"|expected \+ or -/);
    expect(checkDuration('idle_timeout + 2s')).to.equal(undefined);
  });
});

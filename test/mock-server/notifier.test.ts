// The notifier answers a parked long-poll inside the loop that delivers the change waking it, and holds
// the answers back while one change puts several entries at one position into a user's stream.
import { expect } from 'chai';
import { FakeClock } from '../../mock-server/clock.js';
import { Notifier } from '../../mock-server/notifier.js';

describe('mock notifier', () => {
  it('answers a woken poll at once, inside the delivery, before its promise settles', async () => {
    const n = new Notifier(new FakeClock());
    const seen: string[][] = [];
    const parked = n.park('@r:x', 30_000, undefined, () => seen.push(n.takePresenceSince('@r:x', 1)));
    const pos = n.next();
    n.deliverPresence('@r:x', '@a:x', pos);
    expect(seen).to.deep.equal([['@a:x']]);
    expect(n.waiting()).to.equal(0);
    await parked;
  });

  it('under deferWakes, answers after every entry at the position is in (none is left behind)', async () => {
    const n = new Notifier(new FakeClock());
    const seen: string[][] = [];
    const parked = n.park('@joiner:x', 30_000, undefined, () => seen.push(n.takePresenceSince('@joiner:x', 1)));
    const pos = n.next();
    n.deferWakes(() => {
      n.deliverPresence('@joiner:x', '@a:x', pos);
      expect(seen).to.deep.equal([]);
      n.deliverPresence('@joiner:x', '@b:x', pos);
    });
    expect(seen).to.deep.equal([['@a:x', '@b:x']]);
    await parked;
  });

  it('answers once: a timeout or a cancel after the wake does nothing', async () => {
    const clock = new FakeClock();
    const n = new Notifier(clock);
    let answers = 0;
    let cancel: () => void = () => undefined;
    const parked = n.park(
      '@r:x',
      1000,
      (c) => (cancel = c),
      () => answers++,
    );
    n.touch('@r:x', n.next());
    cancel();
    clock.advance(2000);
    await parked;
    expect(answers).to.equal(1);
  });

  it('a poll that throws while answering rejects its promise with that error', async () => {
    const n = new Notifier(new FakeClock());
    const parked = n.park('@r:x', 30_000, undefined, () => {
      throw new Error('planted');
    });
    n.touch('@r:x', n.next());
    const err = await parked.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((err as Error).message).to.equal('planted');
  });

  it('answers the polls deferWakes held back even when its work throws', async () => {
    const n = new Notifier(new FakeClock());
    let answers = 0;
    const parked = n.park('@r:x', 30_000, undefined, () => answers++);
    expect(() =>
      n.deferWakes(() => {
        n.deliverPresence('@r:x', '@a:x', n.next());
        throw new Error('planted');
      }),
    ).to.throw('planted');
    expect(answers).to.equal(1);
    await parked;
  });

  it('answers a poll woken by a room event after the operation, with what the operation added since', async () => {
    const n = new Notifier(new FakeClock());
    const seen: string[][] = [];
    const parked = n.park('@r:x', 30_000, undefined, () => seen.push(n.takePresenceSince('@r:x', 1)));
    n.touchRooms('@r:x', n.next());
    n.deliverPresence('@r:x', '@a:x', n.next());
    expect(seen).to.deep.equal([]);
    await parked;
    expect(seen).to.deep.equal([['@a:x']]);
  });
});

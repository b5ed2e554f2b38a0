// `npm run soak`: the soak of run-soak.ts with its figures printed (docs/benchmarks.md). Exit 0 when
// nothing was lost, nothing failed but rate-limited PUTs, and memory came back near its baseline; 1
// otherwise; 2 on bad usage.
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DEFAULT_SOAK, heapReturned, runSoak, soakPassed, type SoakOptions } from './run-soak.js';

const d = DEFAULT_SOAK;
const { values } = parseArgs({
  options: {
    watchers: { type: 'string', default: String(d.watchers) },
    changers: { type: 'string', default: String(d.changers) },
    rooms: { type: 'string', default: String(d.rooms) },
    seconds: { type: 'string', default: String(d.durationMs / 1000) },
    rate: { type: 'string', default: String(d.changesPerSecond) },
    'max-changes': { type: 'string', default: String(d.maxChanges) },
    'long-poll': { type: 'string', default: String(d.longPollMs) },
    json: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  console.log(
    'usage: npm run soak -- [--watchers 2000] [--changers 200] [--rooms 20] [--seconds 30] [--rate 300] [--max-changes 100000] [--long-poll 5000] [--json FILE]',
  );
  process.exit(0);
}

function positive(name: keyof typeof values): number {
  const x = Number(values[name]);
  if (!Number.isFinite(x) || x <= 0) {
    console.error(`soak: --${name} wants a positive number, got ${JSON.stringify(values[name])}`);
    process.exit(2);
  }
  return x;
}

const options: SoakOptions = {
  ...d,
  watchers: positive('watchers'),
  changers: positive('changers'),
  rooms: positive('rooms'),
  durationMs: positive('seconds') * 1000,
  changesPerSecond: positive('rate'),
  maxChanges: positive('max-changes'),
  longPollMs: positive('long-poll'),
};
// Bounded: set-up, the run, the settle period and the checks, with room to spare.
const deadline = setTimeout(
  () => {
    console.error('soak: gave up (hard deadline)');
    process.exit(1);
  },
  options.durationMs + options.longPollMs * 2 + 300_000,
);

const r = await runSoak(options, (line) => console.log(line));
clearTimeout(deadline);
const f = (x: number, n = 1) => x.toFixed(n);
console.log(
  `soak: ${options.watchers} watchers, ${options.changers} changers in ${options.rooms} rooms, ${options.durationMs / 1000} s at ${options.changesPerSecond} changes/s (rate limit ${options.rateLimit.per_second}/s, burst ${options.rateLimit.burst} per user); ${f(r.elapsedMs / 1000)} s in all`,
);
console.log(`  PUTs: ${r.puts.sent} sent, ${r.puts.ok} ok, ${r.puts.rateLimited} rate-limited (429), ${r.puts.failed} failed`);
console.log(`  syncs: ${r.syncs.ok} ok, ${r.syncs.failed} failed, ${r.syncs.presenceEvents} presence events delivered`);
console.log(
  `  delivery (PUT sent -> watcher has it): p50 ${f(r.deliveryMs.p50)} ms, p99 ${f(r.deliveryMs.p99)} ms, max ${f(r.deliveryMs.max)} ms over ${r.deliveryMs.samples} deliveries`,
);
console.log(
  `  lost updates: ${r.lostUpdates} (watcher x co-member pairs whose last seen state is not the final one); GET disagreeing with the last PUT: ${r.serverDisagrees}`,
);
console.log(
  `  server heap: baseline ${f(r.heapMiB.baseline)} MiB, peak ${f(r.heapMiB.peak)} MiB, after ${f(r.heapMiB.after)} MiB (${heapReturned(r) ? 'back near baseline' : 'NOT back near baseline'}); RSS ${f(r.rssMiB.baseline)} -> ${f(r.rssMiB.after)} MiB`,
);
for (const line of r.failures) console.log(`  failure: ${line}`);
if (values.json) writeFileSync(values.json, `${JSON.stringify(r, null, 2)}\n`);
const passed = soakPassed(r);
console.log(passed ? 'soak: OK' : 'soak: FAILED');
process.exit(passed ? 0 : 1);
